/**
 * `lanrtc listen`: this machine as a direct-connect device (node-agent `createDirectListener`): one
 * UDP port, the persisted identity, certificate and ICE credentials, its card announced over mDNS
 * and printed as a QR code; with `--pair` also a one-time pairing card. Peers that authenticate
 * in-band get an echo on channel `lanrtc` (a demo). Runs until SIGINT/SIGTERM.
 */
import { createInterface } from 'node:readline';
import type { NodeConnection } from '@lanrtc/node-agent';
import type { TrustStore } from '@lanrtc/signal-core';
import { booleanValue, stringValue } from '../args.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { describeCard } from '../device-card.js';
import { announceDevice, peerErrorText, startDirectDevice } from '../direct-device.js';
import { ECHO_CHANNEL } from '../exchange.js';
import { type CliIo, untilAborted, writeLine } from '../io.js';
import { createStderrLogger } from '../log.js';
import { nameFromPeerCard } from '../peer-card.js';
import { showPins } from '../pin-display.js';
import { printable } from '../printable.js';
import { renderTerminalQr } from '../qr.js';
import { loadDeviceState } from '../state.js';
import { CARD_OPTIONS, CARD_USAGE, cardInitFrom, wantsQr } from './card-options.js';

/** The `listen` subcommand. */
export const listenCommand: Command = {
  name: 'listen',
  summary: 'run a direct-connect listener, announce and print its card (echo demo)',
  usage: `usage: lanrtc listen [options]

Listens for direct connections from this device's card (no relay): prints "card: <QR text>" and
its QR code, announces the card over mDNS, and with --pair prints "pairing card: <QR text>" — a
one-time secret that pairs the first peer that uses it (with --pin: a PIN; both may be given). Wrong
PINs are reported as they come; when they lock PIN pairing (someone is guessing) a pairing card is
printed, which no guesser can lock. Enter (on a terminal) or SIGUSR1 issues a new pairing card (or
PIN), withdrawing the previous one. Authenticated peers get an echo of what they send on channel
"${ECHO_CHANNEL}". Ctrl-C / SIGTERM: mDNS goodbye, every peer closed.

options:
${CARD_USAGE}
  --pair              print a one-time pairing card too
  --pin               show a PIN: \`lanrtc connect NAME --pin PIN\` pairs with it (a fresh PIN
                      after each pairing and every 5 min; at most 20 wrong PINs a day)
  --announce, --no-announce   announce the card over mDNS (default: announce)
  --verbose           debug logs (JSON lines on stderr)
${COMMON_USAGE}`,
  options: {
    ...CARD_OPTIONS,
    pair: { type: 'boolean' },
    pin: { type: 'boolean' },
    announce: { type: 'boolean' },
    verbose: { type: 'boolean' },
  },
  async run(parsed, io) {
    const init = cardInitFrom(parsed, 'listen', true);
    const logger = createStderrLogger(io, booleanValue(parsed, 'verbose', false));
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    const connections = new Set<NodeConnection>();
    const { agent, listener, trust } = await startDirectDevice(state, init, logger, 'listen');
    agent.onConnection((connection) => serve(connection, connections, trust, io));
    const usePin = booleanValue(parsed, 'pin', false);
    listener.onPeerError((error) => {
      // A wrong or locked-out PIN is already said by the attempt lines below, once per attempt.
      if (usePin && (error.name === 'PairingFailedError' || error.name === 'PairingLockedError')) return;
      writeLine(io.stdout, `dropped a peer: ${peerErrorText(error, state.dir)}`);
    });
    let ad: { readonly name: string; close(): Promise<void> } | undefined;
    const stopReissue: (() => void)[] = [];
    try {
      const qr = wantsQr(parsed, io);
      const cardText = listener.cardText();
      writeLine(io.stdout, `listening on udp ${init.addresses.join(', ')} port ${listener.port}`);
      writeLine(io.stdout, `card: ${cardText}`);
      if (qr) writeLine(io.stdout, await renderTerminalQr(cardText, io.stdout.isTTY === true));
      for (const line of describeCard(listener.card())) writeLine(io.stdout, `  ${line}`);
      const useCard = booleanValue(parsed, 'pair', false);
      const withdraw: (() => void)[] = [];
      let card: Promise<void> | undefined;
      const showCard = async () => {
        const pairing = listener.openQrPairing();
        withdraw.push(() => pairing.close());
        writeLine(io.stdout, `pairing card: ${pairing.text}`);
        if (qr) writeLine(io.stdout, await renderTerminalQr(pairing.text, io.stdout.isTTY === true));
      };
      // A new pairing withdraws the previous one: one secret (and one PIN) is valid at a time.
      const openPairing = async () => {
        for (const w of withdraw.splice(0)) w();
        card = undefined;
        if (usePin) {
          // A guesser locks the PIN, never a pairing card: give the user one.
          const pins = showPins(agent, io, () => {
            card ??= showCard().catch((error: unknown) => {
              writeLine(io.stderr, `lanrtc listen: no pairing card: ${String(error)}`);
            });
          });
          withdraw.push(() => pins.close());
        }
        if (useCard) {
          card = showCard();
          await card;
        }
      };
      if (useCard || usePin) await openPairing();
      // A new one-time pairing without a restart: Enter on the terminal, or SIGUSR1 from a script.
      let reissuing = Promise.resolve();
      const reissue = () => {
        reissuing = reissuing.then(openPairing).catch((error: unknown) => {
          writeLine(io.stderr, `lanrtc listen: no new pairing: ${String(error)}`);
        });
      };
      process.on('SIGUSR1', reissue);
      stopReissue.push(() => process.off('SIGUSR1', reissue));
      if (io.stdin.isTTY) {
        const lines = createInterface({ input: io.stdin });
        lines.on('line', reissue);
        stopReissue.push(() => lines.close());
      }
      if (booleanValue(parsed, 'announce', true)) {
        ad = await announceDevice(listener, init.addresses, logger, io, 'listen');
        writeLine(io.stdout, `announced "${ad.name}" over mDNS`);
      }
      writeLine(
        io.stdout,
        `new ${usePin && useCard ? 'PIN and pairing card' : usePin ? 'PIN' : 'pairing card'}: press Enter${io.stdin.isTTY ? '' : ' (on a terminal)'} or send SIGUSR1 (kill -USR1 ${process.pid})`,
      );
      writeLine(io.stdout, `stopping (${await untilAborted(io.signal)})`);
    } finally {
      for (const stop of stopReissue.splice(0)) stop();
      await ad?.close();
      await Promise.all([...connections].map((c) => c.close()));
      await agent.close(); // and its listener
    }
    return 0;
  },
};

/** Echo every message of the peer's `lanrtc` channel back to it, and say what happens. */
function serve(
  connection: NodeConnection,
  connections: Set<NodeConnection>,
  trust: TrustStore,
  io: CliIo,
): void {
  const who = connection.remote.id;
  connections.add(connection);
  writeLine(io.stdout, `connected ${who}${connection.paired ? ' (paired now)' : ''}`);
  if (connection.paired)
    void nameFromPeerCard(connection, trust).then((name) => {
      if (name !== undefined) writeLine(io.stdout, `named ${who} "${printable(name)}" (from its card)`);
    });
  void connection.ended.then((reason) => {
    connections.delete(connection);
    writeLine(io.stdout, `disconnected ${who} (${printable(reason)})`);
  });
  connection.peer.channel(ECHO_CHANNEL).then(
    (channel) => {
      channel.onMessage.subscribe((message) => {
        // The peer's bytes, not ours: escape sequences in them must not reach the terminal.
        writeLine(io.stdout, `${who}: ${printable(String(message))}`);
        channel.send(message);
      });
    },
    () => undefined, // the peer closed before opening the channel: `ended` reports it
  );
}
