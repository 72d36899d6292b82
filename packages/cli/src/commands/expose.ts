/**
 * `lanrtc expose URL`: this machine as an HTTP device — a direct-connect listener announced over mDNS
 * (device type `http`, like `lanrtc listen`) that offers the local web service at URL to paired,
 * granted peers over their lanrtc connection (node-agent `exposeHttp`). A peer pairing now with the
 * PIN `--pin` shows is granted the `--path` prefixes; one line per request. Runs until Ctrl-C.
 */
import {
  createHttpForwarder,
  exposeHttp,
  type HttpExposure,
  type HttpRequestRecord,
  type NodeConnection,
} from '@lanrtc/node-agent';
import { LanrtcError, setGrant } from '@lanrtc/signal-core';
import { DEFAULT_HTTP_SERVICE, httpGrantScope } from '@lanrtc/signal-core/http';
import { booleanValue, listValue, stringValue } from '../args.js';
import { formatBytes } from '../byte-units.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { DEFAULT_DIRECT_PORT } from '../device-card.js';
import { announceDevice, peerErrorText, startDirectDevice } from '../direct-device.js';
import { UsageError } from '../errors.js';
import { untilAborted, writeLine } from '../io.js';
import { createStderrLogger } from '../log.js';
import { nameFromPeerCard } from '../peer-card.js';
import { showPins } from '../pin-display.js';
import { printable } from '../printable.js';
import { renderTerminalQr } from '../qr.js';
import { loadDeviceState } from '../state.js';
import { cardInitFrom, wantsQr } from './card-options.js';
import { checkGrantPaths, checkServiceName } from './grant-values.js';

/** UDP port `lanrtc expose` listens on when none is given (beside `listen`'s and `receive`'s). */
export const DEFAULT_EXPOSE_PORT = DEFAULT_DIRECT_PORT + 2;
/** The device type an HTTP device's card carries. */
export const HTTP_DEVICE_TYPE = 'http';

/** The `expose` subcommand. */
export const exposeCommand: Command = {
  name: 'expose',
  summary: 'offer a local web service (http://host:port) to paired peers over lanrtc',
  usage: `usage: lanrtc expose URL [options]

Offers the web service at URL (an http:// origin, e.g. http://127.0.0.1:8080) to paired peers over
their lanrtc connection, and forwards to nowhere else. Prints "card: <QR text>" (and its QR code): a
page reaches this device from it. Announces this machine over mDNS as device
type "${HTTP_DEVICE_TYPE}" (a direct-connect listener, like \`lanrtc listen\`). A peer pairing now with
the PIN --pin shows is granted the --path prefixes of service --service; a peer paired before reaches
nothing until \`lanrtc peers grant ID http:SERVICE PATH...\`. A path outside a peer's grant gets 403,
a revoked peer's connection is closed. One line per request: method, path, status, size, time, peer.
Ctrl-C stops.

options:
  --path PATH      path prefix a peer pairing now may reach, repeatable (default /: everything)
  --service NAME   the service name clients ask for; grants are scoped http:NAME (default ${DEFAULT_HTTP_SERVICE})
  --pin            show a PIN: a peer not paired yet pairs with it (a fresh PIN after each pairing
                   and every 5 min; at most 20 wrong PINs a day)
  --name NAME      card name, ≤ 32 bytes (default: host name)
  --address ADDR   ICE candidate address, an IP address the listener binds (default: the first
                   non-internal IPv4 address)
  --port PORT      UDP port of the listener (default ${DEFAULT_EXPOSE_PORT}; 0: any free port)
  --qr, --no-qr    print the card as a terminal QR code too (default: when stdout is a terminal)
  --verbose        debug logs (JSON lines on stderr)
${COMMON_USAGE}`,
  options: {
    path: { type: 'string', multiple: true },
    service: { type: 'string' },
    pin: { type: 'boolean' },
    name: { type: 'string' },
    address: { type: 'string', multiple: true },
    port: { type: 'string' },
    qr: { type: 'boolean' },
    verbose: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(parsed, io) {
    const [url] = parsed.positionals;
    if (url === undefined) throw new UsageError('give the URL of the web service to expose', 'expose');
    try {
      createHttpForwarder({ target: url }).close();
    } catch (error) {
      if (error instanceof LanrtcError) throw new UsageError(`URL: ${error.message}`, 'expose');
      throw error;
    }
    const service = checkServiceName(stringValue(parsed, 'service', DEFAULT_HTTP_SERVICE), 'expose');
    const given = listValue(parsed, 'path');
    const paths = checkGrantPaths(given.length > 0 ? given : ['/'], 'expose');
    const init = {
      ...cardInitFrom(parsed, 'expose', true, DEFAULT_EXPOSE_PORT),
      deviceTypes: [HTTP_DEVICE_TYPE],
    };
    const logger = createStderrLogger(io, booleanValue(parsed, 'verbose', false));
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    const { agent, listener, trust } = await startDirectDevice(state, init, logger, 'expose');
    const usePin = booleanValue(parsed, 'pin', false);
    const exposures = new Map<NodeConnection, HttpExposure>();
    const scope = httpGrantScope(service);
    agent.onConnection((connection) => {
      const id = connection.remote.id;
      const firstContact = connection.paired;
      writeLine(io.stdout, `connected ${id}${firstContact ? ' (paired now)' : ''}`);
      // A peer pairing now is granted the --path prefixes before any request of it is served.
      const granted = firstContact
        ? setGrant(trust, id, { scope, actions: paths }).then(
            () => writeLine(io.stdout, `granted ${id} ${scope} ${paths.join(' ')}`),
            (error: unknown) => writeLine(io.stdout, `could not grant ${id}: ${String(error)}`),
          )
        : Promise.resolve();
      if (firstContact)
        void nameFromPeerCard(connection, trust).then((name) => {
          if (name !== undefined) writeLine(io.stdout, `named ${id} "${printable(name)}" (from its card)`);
        });
      void granted.then(() => {
        if (io.signal.aborted) return;
        exposures.set(
          connection,
          exposeHttp(connection, {
            target: url,
            service,
            trust,
            logger,
            onRequest: (record) => writeLine(io.stdout, requestLine(record)),
          }),
        );
      });
      void connection.ended.then((reason) => {
        exposures.get(connection)?.close();
        exposures.delete(connection);
        writeLine(io.stdout, `disconnected ${id} (${printable(reason)})`);
      });
    });
    listener.onPeerError((error) => {
      // A wrong or locked-out PIN is already said by the attempt lines, once per attempt.
      if (usePin && (error.name === 'PairingFailedError' || error.name === 'PairingLockedError')) return;
      writeLine(io.stdout, `dropped a peer: ${peerErrorText(error, state.dir)}`);
    });
    let ad: { readonly name: string; close(): Promise<void> } | undefined;
    let pins: { close(): void } | undefined;
    try {
      writeLine(io.stdout, `exposing ${printable(url)} as service "${service}"`);
      writeLine(io.stdout, `listening on udp ${init.addresses.join(', ')} port ${listener.port}`);
      // A browser cannot browse mDNS: a page reaches this device from its card, pasted or scanned.
      const cardText = listener.cardText();
      writeLine(io.stdout, `card: ${cardText}`);
      if (wantsQr(parsed, io))
        writeLine(io.stdout, await renderTerminalQr(cardText, io.stdout.isTTY === true));
      if (usePin) pins = showPins(agent, io, undefined, 'wait for the lock to pass');
      ad = await announceDevice(listener, init.addresses, logger, io, 'expose');
      writeLine(io.stdout, `announced "${printable(ad.name)}" over mDNS (type ${HTTP_DEVICE_TYPE})`);
      writeLine(io.stdout, `waiting for peers (Ctrl-C stops)`);
      writeLine(io.stdout, `stopping (${await untilAborted(io.signal)})`);
    } finally {
      pins?.close();
      await ad?.close();
      for (const exposure of exposures.values()) exposure.close();
      await Promise.all([...exposures.keys()].map((c) => c.close()));
      await agent.close(); // and its listener
    }
    return 0;
  },
};

/** `GET /api/x 200 1.2 kB 12 ms "name" (id)`, with how it ended when it did not complete. */
export function requestLine(record: HttpRequestRecord): string {
  const who = record.peer.name ? `"${printable(record.peer.name)}"` : record.peer.id;
  const status = record.status === 0 ? 'refused' : String(record.status);
  const ended = record.outcome === 'complete' ? '' : ` (${record.outcome})`;
  return `${printable(record.method)} ${printable(record.path)} ${status} ${formatBytes(record.bytes)} ${Math.round(record.durationMs)} ms ${who}${ended}`;
}
