/**
 * `lanrtc relay`: run the LAN relay (@lanrtc/relay) and announce it over mDNS as a device of type
 * `relay` — a card signed by this machine's persisted identity whose relay endpoint is this relay —
 * until SIGINT/SIGTERM, then say goodbye (RFC 6762 §10.1) and shut the relay down gracefully.
 */
import { randomBytes } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { type Announcement, announce } from '@lanrtc/mdns-announcer';
import { createRelay } from '@lanrtc/relay';
import { type CardRelay, InvalidArgumentError } from '@lanrtc/signal-core';
import { booleanValue, listValue, parsePort, stringValue } from '../args.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { buildDeviceCard, defaultAddresses, defaultDeviceName, relayUrl } from '../device-card.js';
import { UsageError } from '../errors.js';
import { untilAborted, writeLine } from '../io.js';
import { createStderrLogger } from '../log.js';
import { type DeviceState, loadDeviceState } from '../state.js';

/** Lifetime of the announced card; it is re-signed and re-announced at half of it. */
const RELAY_CARD_LIFETIME_S = 24 * 60 * 60;
const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** The `relay` subcommand. */
export const relayCommand: Command = {
  name: 'relay',
  summary: 'run a LAN relay and announce it over mDNS',
  usage: `usage: lanrtc relay [options]

Runs a WebSocket relay for browsers and agents and announces it over mDNS
(_relay._sub._lanrtc._udp.local) with a card signed by this machine's identity. Prints the URL.
Ctrl-C / SIGTERM: mDNS goodbye, clients are told the relay is shutting down.

options:
  --host HOST         listen address (default 0.0.0.0)
  --port PORT         TCP port, 0 = any free one (default 8787)
  --path PATH         WebSocket path (default /)
  --static DIR        serve DIR's files over http on the same origin
  --announce, --no-announce   announce over mDNS (default: announce)
  --name NAME         card / mDNS instance name, ≤ 32 bytes (default: host name)
  --interface IF      announce on this interface name or IPv4 address, repeatable
                      (default: --host when it is an address, else every non-internal IPv4 interface)
  --allowed-host H    accept logins only for this host[:port] (the name or address clients dial),
                      repeatable; binds each login to it (docs/PROTOCOL.md). Default: any host
  --verbose           debug logs (JSON lines on stderr)
${COMMON_USAGE}`,
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    path: { type: 'string' },
    static: { type: 'string' },
    announce: { type: 'boolean' },
    name: { type: 'string' },
    interface: { type: 'string', multiple: true },
    'allowed-host': { type: 'string', multiple: true },
    verbose: { type: 'boolean' },
  },
  async run(parsed, io) {
    const host = stringValue(parsed, 'host', '0.0.0.0');
    const port = parsePort(stringValue(parsed, 'port', '8787'), '--port', 'relay', true);
    const path = stringValue(parsed, 'path', '/');
    if (!/^\/[\x21-\x7e]{0,63}$/.test(path))
      throw new UsageError(
        `--path must start with "/" and be printable ASCII, ≤ 64 bytes (got "${path}")`,
        'relay',
      );
    const name = stringValue(parsed, 'name') ?? defaultDeviceName();
    const staticDir = stringValue(parsed, 'static');
    const allowedHosts = listValue(parsed, 'allowed-host').flatMap((h) => allowedHost(h, port));
    const logger = createStderrLogger(io, booleanValue(parsed, 'verbose', false));
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    const announcing = booleanValue(parsed, 'announce', true);
    // The announced card is signed once the relay listens; a field the card format refuses (a name
    // over 32 bytes) must be a usage error before anything starts, not a failure after the URL.
    if (announcing) checkCard(state, name, WILDCARD.has(host) ? 'lanrtc-check.local' : host, path);

    const relay = await createRelay({
      host,
      port,
      logger,
      ...(path !== '/' ? { path } : {}),
      ...(staticDir ? { staticDir } : {}),
      ...(allowedHosts.length > 0 ? { allowedHosts } : {}),
    });
    const wildcard = WILDCARD.has(host);
    const shown = wildcard ? defaultAddresses() : [relay.address.host];
    for (const address of shown.length > 0 ? shown : [relay.address.host])
      writeLine(io.stdout, `lanrtc relay on ${relayUrl({ host: address, port: relay.address.port, path })}`);

    let ad: Announcement | undefined;
    let refresh: NodeJS.Timeout | undefined;
    try {
      if (announcing) {
        const interfaces = listValue(parsed, 'interface');
        const announceOn =
          interfaces.length > 0 ? interfaces : !wildcard && isIPv4(host) ? [host] : undefined;
        // A wildcard relay is reachable on every interface: name it by its mDNS host name, which each
        // interface answers with its own address (RFC 6762 §6.2), not by one interface's address.
        let hostName = `lanrtc-${randomBytes(4).toString('hex')}`;
        const endpoint = (): CardRelay => ({
          host: wildcard ? `${hostName}.local` : relay.address.host,
          port: relay.address.port,
          ...(path !== '/' ? { path } : {}),
        });
        const card = () =>
          buildDeviceCard(state, {
            name,
            deviceTypes: ['relay'],
            addresses: [],
            port: relay.address.port,
            relay: endpoint(),
            lifetimeS: RELAY_CARD_LIFETIME_S,
          });
        ad = await announce({
          card: card(),
          port: relay.address.port,
          hostName,
          ...(announceOn ? { interfaces: announceOn } : {}),
          handleSignals: false,
          logger,
        });
        if (wildcard && ad.hostName !== hostName) {
          hostName = ad.hostName; // renamed after a conflict while probing
          await ad.update(card());
        }
        const current = ad;
        refresh = setInterval(() => void current.update(card()), (RELAY_CARD_LIFETIME_S * 1000) / 2);
        writeLine(
          io.stdout,
          `announced "${ad.name}" (type relay, id ${state.identity.id}) endpoint ${relayUrl(endpoint())}`,
        );
      }
      const reason = await untilAborted(io.signal);
      writeLine(io.stdout, `stopping (${reason})`);
    } finally {
      clearInterval(refresh);
      await ad?.close();
      await relay.close({ reason: 'relay stopping' });
    }
    return 0;
  },
};

/** Sign a throwaway card with the announcement's fields; what the card format refuses is a `UsageError`. */
/**
 * An `--allowed-host` value as the relay compares it with the `Host` a client sent: `host:port` in
 * lower case, the listening port added when omitted; for port 80 also the bare host (a browser
 * leaves the scheme's default port out of `Host`).
 */
function allowedHost(value: string, port: number): string[] {
  const v = value.trim().toLowerCase();
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(v) || v.length > 255)
    throw new UsageError(`--allowed-host must be host or host:port (got "${value}")`, 'relay');
  const m = /^(.*):(\d{1,5})$/.exec(v);
  if (!m && port === 0) throw new UsageError('--allowed-host needs host:port when --port is 0', 'relay');
  const host = m?.[1] ?? v;
  const p = m ? Number(m[2]) : port;
  return p === 80 ? [`${host}:80`, host] : [`${host}:${p}`];
}

function checkCard(state: DeviceState, name: string, host: string, path: string): void {
  try {
    buildDeviceCard(state, {
      name,
      deviceTypes: ['relay'],
      addresses: [],
      port: 1, // the real port is known once the relay listens (--port 0: any free one)
      relay: { host, port: 1, ...(path !== '/' ? { path } : {}) },
    });
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new UsageError(error.message, 'relay');
    throw error;
  }
}
