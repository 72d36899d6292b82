/**
 * `lanrtc send PATH... [--to NAME|ID]`: find a `files` receiver over mDNS (`lanrtc receive`) — the one
 * named by `--to`, else one picked from a list — connect to it directly as `lanrtc connect` does
 * (pairing on first contact by PIN, or on a terminal by comparing six digits), offer the files (node-agent `sendFiles`) and show the progress
 * until the receiver has verified and stored every file. With `--web` the receivers are browsers
 * instead: `send-web.ts`.
 */
import { isIP } from 'node:net';
import { join } from 'node:path';
import { sendFiles } from '@lanrtc/node-agent';
import type { Card, PairingMode } from '@lanrtc/signal-core';
import { FILES_DEVICE_TYPE, type TransferLaneKind } from '@lanrtc/signal-core/transfer';
import { booleanValue, listValue, type ParsedCommand, stringValue } from '../args.js';
import { askNumber } from '../ask.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { terminalCompare } from '../compare-prompt.js';
import { CONNECT_TIMEOUT_MS, connectToDevice } from '../connect-device.js';
import { NoReceiverError, UsageError } from '../errors.js';
import { type FindInit, findCard, listCards, timeoutFrom } from '../find-device.js';
import { type CliIo, writeLine } from '../io.js';
import { askPairing, ownNameFrom, pinFrom } from '../pin-entry.js';
import { printable } from '../printable.js';
import { checkReadable } from '../send-paths.js';
import { type DeviceState, loadDeviceState } from '../state.js';
import { createTransferView, summaryLine } from '../transfer-view.js';
import { openTrust } from '../trust.js';
import { DEFAULT_RECEIVE_WEB_PORT } from './receive-web.js';
import { checkWebFlags, sendToPages } from './send-web.js';

/** Failures after which a new run resumes (the connection or the other side went away, or Ctrl-C). */
const RESUMABLE = new Set([
  'TransferAbortedError',
  'TransportClosedError',
  'TransferCancelledError',
  'TransferStalledError',
]);

/** Seconds to look for the receiver named by `--to`. */
const DEFAULT_FIND_S = 10;
/** Seconds to collect receivers for the list when no `--to` is given. */
const DEFAULT_LIST_S = 3;
/** The lanes `--lane` names. */
const LANES: readonly TransferLaneKind[] = ['tls', 'datachannel'];

/** The `send` subcommand. */
export const sendCommand: Command = {
  name: 'send',
  summary: 'send files and directories to a receiver on the LAN (`lanrtc receive`), or to browsers (--web)',
  usage: `usage: lanrtc send PATH... [options]

Sends the files and directory trees PATH... (each under its own name) to a \`lanrtc receive\` on the
LAN. --to NAME|ID picks the receiver; without it the receivers found within ${DEFAULT_LIST_S} s are listed and,
on a terminal, one is picked by its number (without a terminal: give --to). A receiver not paired
yet pairs on first contact: with the PIN \`lanrtc receive --pin\` shows (--pin, or typed at the
prompt on a terminal), or by comparison with \`lanrtc receive --compare\` (--compare, or Enter at
the prompt): both terminals show the same six digits and both people answer "y". Comparison needs
a terminal; scripts use --pin. The receiver sees this machine's name, the number of files and their size, and accepts or declines.
The data goes over TLS 1.3 between the two paired identities' certificates, or over the WebRTC
DataChannel when TCP cannot connect; the summary says which. Files the receiver holds already are
not sent again, and sending again after an interruption resumes.

With --web the receivers are browsers instead: this machine serves the file-drop page and a relay on
http://<address>:${DEFAULT_RECEIVE_WEB_PORT}/, prints the page's link (with a QR code on a terminal) and offers
PATH... to every page that opens it; the page's user accepts or declines, and each file arrives as a
download. Each page's transfer has its bars and a summary line; a page that declines is reported
and the others are still served, until Ctrl-C, or with --once until one page has received every
file. The page is the file-drop example's Vite build, which \`pnpm build\` makes.

options:
  --to NAME|ID     the receiver (its card name or identity id)
  --pin PIN        pair with the PIN the receiver shows (first contact)
  --compare        pair by comparing six digits on both screens (first contact; needs a terminal)
  --name NAME      this machine's name as the receiver stores it when pairing (default: host name)
  --lane LANE      use only this lane: tls or datachannel (default: tls, else datachannel)
  --interface IF   browse on this interface name or IPv4 address, repeatable
  --address ADDR   local IP address for ICE (default: every non-internal IPv4 address)
  --timeout S      seconds to look for the receiver (default ${DEFAULT_FIND_S} with --to, ${DEFAULT_LIST_S} for the list);
                   connecting has ${CONNECT_TIMEOUT_MS / 1000} s more
  --web            send to browsers: serve the file-drop page and a relay, print its link
                   (not with --to, --pin, --compare, --lane, --interface, --timeout; --name is the
                   name the pages show, --address the IPv4 address to serve on)
  --web-port PORT  TCP port of the page and relay (default ${DEFAULT_RECEIVE_WEB_PORT}; 0: any free port)
  --web-page DIR   serve this built page instead of the file-drop example's dist/page
  --once           with --web: exit (0) once a page has received every file
  --qr, --no-qr    print the page link as a QR code too (default: when stdout is a terminal)
  --verbose        with --web: debug logs (JSON lines on stderr)
${COMMON_USAGE}`,
  options: {
    to: { type: 'string' },
    pin: { type: 'string' },
    compare: { type: 'boolean' },
    name: { type: 'string' },
    lane: { type: 'string' },
    interface: { type: 'string', multiple: true },
    address: { type: 'string' },
    timeout: { type: 'string' },
    web: { type: 'boolean' },
    'web-port': { type: 'string' },
    'web-page': { type: 'string' },
    once: { type: 'boolean' },
    qr: { type: 'boolean' },
    verbose: { type: 'boolean' },
  },
  maxPositionals: Number.MAX_SAFE_INTEGER,
  async run(parsed, io) {
    const paths = [...parsed.positionals];
    if (paths.length === 0) throw new UsageError('give the files or directories to send', 'send');
    const web = booleanValue(parsed, 'web', false);
    checkWebFlags(parsed, web);
    if (web) return sendToPages(parsed, paths, io);
    const to = stringValue(parsed, 'to');
    if (to === '') throw new UsageError('--to needs the NAME or ID of a receiver', 'send');
    const pin = pinFrom(parsed, 'send');
    const compare = booleanValue(parsed, 'compare', false);
    if (compare && pin !== undefined)
      throw new UsageError('--pin and --compare are two ways to pair: give one', 'send');
    if (compare && io.stdin.isTTY !== true)
      throw new UsageError(
        '--compare needs a terminal (both people confirm the digits); a script pairs with --pin',
        'send',
      );
    const address = stringValue(parsed, 'address');
    if (address !== undefined && isIP(address) === 0)
      throw new UsageError(`--address must be an IPv4 or IPv6 address (got "${address}")`, 'send');
    const lanes = lanesFrom(parsed);
    const findS = timeoutFrom(parsed, 'send', to === undefined ? DEFAULT_LIST_S : DEFAULT_FIND_S);
    const ownName = ownNameFrom(parsed, 'send');
    await checkReadable(paths);
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    const trust = await openTrust(state.dir);
    const find: FindInit = {
      deviceType: FILES_DEVICE_TYPE,
      interfaces: listValue(parsed, 'interface'),
      findS,
      trust,
    };
    const card = to !== undefined ? await findCard(to, find, io) : await pickReceiver(find, state, io);
    let pairing: PairingMode | undefined;
    const known = await trust.get(card.id);
    if (pin !== undefined) pairing = { kind: 'pin', pin };
    else if (compare && !known) pairing = { kind: 'compare' };
    else if (!known && io.stdin.isTTY) pairing = await askPairing(card, io, 'receive', 'send');
    const at = card.candidates.map((c) => `${c.address}:${c.port}`).join(' ') || '-';
    writeLine(
      io.stdout,
      `found "${printable(card.name)}" (${card.id}) at ${at}${pairing ? ', pairing' : ''}`,
    );
    const connection = await connectToDevice(card, {
      state,
      trust,
      ...(pairing ? { pairing } : {}),
      ...(pairing?.kind === 'compare'
        ? { onCompare: terminalCompare(io, (line) => writeLine(io.stdout, line)) }
        : {}),
      ...(address !== undefined ? { address } : {}),
      ...(ownName !== undefined ? { ownName } : {}),
      signal: io.signal,
    });
    const view = createTransferView(io, 'sent');
    try {
      if (!connection.node)
        throw new NoReceiverError(
          `"${printable(card.name)}" is reachable through a relay only: files go direct`,
        );
      writeLine(
        io.stdout,
        `connected to ${printable(card.name)} (${connection.remote.id})${connection.paired ? ', paired now' : ''}; waiting for it to accept`,
      );
      const transfer = sendFiles(connection.node, paths, {
        certificate: state.certificate,
        // Resuming runs the same command again: large unchanged files are not hashed twice.
        hashStoreDir: join(state.dir, 'hash-cache'),
        ...(lanes ? { lanes } : {}),
        signal: io.signal,
      });
      let moved = false;
      transfer.onProgress((progress) => {
        moved ||= progress.doneBytes > progress.heldBytes;
        view.update(progress);
      });
      const result = await transfer.done.catch((error: unknown) => {
        view.stop();
        // Verified chunks stay at the receiver: the same command continues where this one stopped.
        if (moved && RESUMABLE.has((error as Error).name))
          writeLine(io.stderr, 'what arrived is kept: run the same command again to continue from there');
        throw error;
      });
      view.stop();
      writeLine(io.stdout, `${summaryLine(result, 'sent', view.movingMs())} to "${printable(card.name)}"`);
    } finally {
      view.stop();
      await connection.close();
    }
    return 0;
  },
};

/** `--lane`: one lane only, or undefined for the default order. */
function lanesFrom(parsed: ParsedCommand): readonly TransferLaneKind[] | undefined {
  const lane = stringValue(parsed, 'lane');
  if (lane === undefined) return undefined;
  const kind = LANES.find((l) => l === lane);
  if (!kind) throw new UsageError(`--lane is tls or datachannel (got "${printable(lane)}")`, 'send');
  return [kind];
}

/**
 * The receivers announced within `find.findS` seconds, listed on stderr; on a terminal the one whose
 * number is typed, else a `UsageError` naming them (a script gives `--to`).
 */
async function pickReceiver(find: FindInit, state: DeviceState, io: CliIo): Promise<Card> {
  writeLine(io.stderr, `looking for receivers (\`lanrtc receive\`) for ${find.findS} s…`);
  const cards = await listCards({ ...find, ownId: state.identity.id }, io);
  if (cards.length === 0)
    throw new NoReceiverError(
      `no receiver (device type ${FILES_DEVICE_TYPE}) announced itself within ${find.findS} s: is \`lanrtc receive\` running on this LAN? (--timeout S looks longer)`,
    );
  const rows = await Promise.all(
    cards.map(async (card, i) => {
      const paired = (await find.trust.get(card.id)) ? 'paired' : 'not paired';
      const at = card.candidates.map((c) => `${c.address}:${c.port}`).join(' ') || '-';
      return `${i + 1}) "${printable(card.name)}"  ${card.id}  ${printable(at)}  ${paired}`;
    }),
  );
  if (io.stdin.isTTY !== true)
    throw new UsageError(
      `give --to NAME|ID; receivers found: ${cards.map((c) => `"${printable(c.name)}" (${c.id})`).join(', ')}`,
      'send',
    );
  for (const row of rows) writeLine(io.stderr, `  ${row}`);
  const n = await askNumber('send to', cards.length, io);
  return cards[n - 1] as Card;
}
