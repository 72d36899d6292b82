/**
 * `lanrtc receive`: this machine as a file receiver — a direct-connect listener whose card (device
 * type `files`) is announced over mDNS, like `lanrtc listen`. Each sender that connects (paired
 * already, or pairing now with the PIN `--pin` shows or by comparing digits with `--compare`) offers its files; the offer is shown (who, how
 * many, how big) and accepted or declined, then received into `--dir` (node-agent `receiveFiles`)
 * with progress and a summary. One transfer at a time; runs until Ctrl-C, or with `--once` until
 * the first offer is settled. With `--web` it also serves the file-drop page and a relay on one
 * origin and hosts the files room (node-agent `hostFilesRoom`): pages that open the link send here,
 * asked like any other sender, and to each other.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type FilesRoom, hostFilesRoom, type NodeConnection, receiveFiles } from '@lanrtc/node-agent';
import type { TrustStore } from '@lanrtc/signal-core';
import {
  FILES_DEVICE_TYPE,
  filesPageUrl,
  type TransferDecision,
  type TransferOffer,
} from '@lanrtc/signal-core/transfer';
import { booleanValue, parsePort, stringValue } from '../args.js';
import { askYesNo } from '../ask.js';
import { formatBytes } from '../byte-units.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { terminalCompare } from '../compare-prompt.js';
import { DEFAULT_DIRECT_PORT } from '../device-card.js';
import { announceDevice, peerErrorText, startDirectDevice } from '../direct-device.js';
import { UsageError } from '../errors.js';
import { type CliIo, untilAborted, writeLine } from '../io.js';
import { createStderrLogger } from '../log.js';
import { nameFromPeerCard } from '../peer-card.js';
import { showPins } from '../pin-display.js';
import { printable } from '../printable.js';
import { type DeviceState, loadDeviceState } from '../state.js';
import { createTransferView, summaryLine, type TransferView } from '../transfer-view.js';
import { filesPageDir } from '../web-page.js';
import { cardInitFrom, wantsQr } from './card-options.js';
import { DEFAULT_RECEIVE_WEB_PORT, type FilesWeb, printPageLink, startFilesWeb } from './receive-web.js';

/** UDP port `lanrtc receive` listens on when none is given (next to `listen`'s, so both can run). */
export const DEFAULT_RECEIVE_PORT = DEFAULT_DIRECT_PORT + 1;
/** After a transfer, how long the sender has to close the connection before this side does. */
const LINGER_MS = 10_000;

/** The `receive` subcommand. */
export const receiveCommand: Command = {
  name: 'receive',
  summary: 'receive files: announce this machine as a files receiver, accept offers into a directory',
  usage: `usage: lanrtc receive [options]

Announces this machine over mDNS as device type "${FILES_DEVICE_TYPE}" (a direct-connect listener, like
\`lanrtc listen\`) and waits for \`lanrtc send\`. A sender that is not paired yet pairs with the PIN
--pin shows, or with --compare by comparison: both terminals show the same six digits and ask
"same digits on the other screen? [y/N]"; only when both people answer y is either side stored as
trusted. Each offer is shown — the sender's name (trust store, else its card), the number of
files and their size — and, on a terminal, asked: accept? [y/N]. --yes accepts without asking from
senders this machine already trusts; a sender pairing now (first contact) is always asked, and
without a terminal to ask on its offer is declined. Accepted files go into --dir with a progress
bar per file and for the whole (a line per file when stdout is not a terminal), then a summary.
Files already there are not sent again; an interrupted transfer resumes when sent again. One
transfer at a time (a second sender meanwhile is declined as busy). Ctrl-C stops.

With --web it also serves the file-drop page and a relay on http://<address>:${DEFAULT_RECEIVE_WEB_PORT}/ and
prints the page's link (with a QR code on a terminal): browsers that open it on this LAN are paired
with this machine by the link, see it and each other as receivers, and send here (asked like any
sender; --yes accepts them) or to each other. The page is the file-drop example's Vite build, which
\`pnpm build\` makes (WebPageNotBuiltError says so when it is missing).

options:
  --dir DIR        where received files go (default: the current directory; must exist)
  --yes            accept offers from senders already trusted without asking
  --pin            show a PIN: \`lanrtc send PATH --to NAME --pin PIN\` pairs with it (a fresh PIN
                   after each pairing and every 5 min; at most 20 wrong PINs a day)
  --compare        let a sender not paired yet pair by comparing six digits (needs a terminal;
                   can be given with --pin: the sender picks)
  --once           exit after the first offer is received, declined or failed (exit 0 only when received)
  --name NAME      card name, ≤ 32 bytes (default: host name)
  --address ADDR   ICE candidate address, an IP address the listener binds (default: the first
                   non-internal IPv4 address)
  --port PORT      UDP port of the listener (default ${DEFAULT_RECEIVE_PORT}; 0: any free port)
  --web            also serve the file-drop page and a relay, and print its link
  --web-port PORT  TCP port of the page and relay (default ${DEFAULT_RECEIVE_WEB_PORT}; 0: any free port)
  --web-page DIR   serve this built page instead of the file-drop example's dist/page
  --qr, --no-qr    print the page link as a QR code too (default: when stdout is a terminal)
  --verbose        debug logs (JSON lines on stderr)
${COMMON_USAGE}`,
  options: {
    dir: { type: 'string' },
    yes: { type: 'boolean' },
    pin: { type: 'boolean' },
    compare: { type: 'boolean' },
    once: { type: 'boolean' },
    name: { type: 'string' },
    address: { type: 'string', multiple: true },
    port: { type: 'string' },
    web: { type: 'boolean' },
    'web-port': { type: 'string' },
    'web-page': { type: 'string' },
    qr: { type: 'boolean' },
    verbose: { type: 'boolean' },
  },
  async run(parsed, io) {
    const init = {
      ...cardInitFrom(parsed, 'receive', true, DEFAULT_RECEIVE_PORT),
      deviceTypes: [FILES_DEVICE_TYPE],
    };
    const dir = await targetDir(stringValue(parsed, 'dir', '.'));
    const useCompare = booleanValue(parsed, 'compare', false);
    if (useCompare && io.stdin.isTTY !== true)
      throw new UsageError(
        '--compare needs a terminal (a person confirms the digits); a script pairs senders with --pin',
        'receive',
      );
    const useWeb = booleanValue(parsed, 'web', false);
    const webPortText = stringValue(parsed, 'web-port');
    const webPage = stringValue(parsed, 'web-page');
    if (!useWeb && (webPortText !== undefined || webPage !== undefined))
      throw new UsageError('--web-port and --web-page go with --web', 'receive');
    const webPort = parsePort(webPortText ?? String(DEFAULT_RECEIVE_WEB_PORT), '--web-port', 'receive', true);
    // Checked before anything starts: a missing page is the user's to fix, not a half-started receiver.
    const pageDir = useWeb ? filesPageDir(webPage) : undefined;
    const logger = createStderrLogger(io, booleanValue(parsed, 'verbose', false));
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    const web: FilesWeb | undefined =
      pageDir !== undefined
        ? await startFilesWeb({
            addresses: init.addresses,
            port: webPort,
            pageDir,
            logger,
            command: 'receive',
          })
        : undefined;
    const { agent, listener, trust } = await startDirectDevice(
      state,
      init,
      logger,
      'receive',
      web?.relayUrl,
    ).catch(async (error: unknown) => {
      await web?.relay.close();
      throw error;
    });
    const usePin = booleanValue(parsed, 'pin', false);
    const once = booleanValue(parsed, 'once', false);
    const stop = new AbortController();
    const onAbort = () => stop.abort(io.signal.reason);
    io.signal.addEventListener('abort', onAbort, { once: true });
    let outcome: boolean | undefined;
    const receiver = createReceiver({
      io,
      dir,
      state,
      trust,
      yes: booleanValue(parsed, 'yes', false),
      signal: stop.signal,
      onSettled(received) {
        outcome ??= received;
        if (once) stop.abort('done');
      },
    });
    // Relay connections are the files room's (pages): it hands over the ones that send.
    agent.onConnection((connection) => {
      if (connection.path !== 'relay') receiver.serve(connection);
    });
    listener.onPeerError((error) => {
      // A wrong or locked-out PIN is already said by the attempt lines, once per attempt; a failed
      // comparison by the compare window's own line.
      if (usePin && (error.name === 'PairingFailedError' || error.name === 'PairingLockedError')) return;
      if (useCompare && error.name === 'PairingFailedError') return;
      receiver.say(`dropped a peer: ${peerErrorText(error, state.dir)}`);
    });
    let ad: { readonly name: string; close(): Promise<void> } | undefined;
    let pins: { close(): void } | undefined;
    let comparing: { close(): void } | undefined;
    let files: FilesRoom | undefined;
    try {
      writeLine(io.stdout, `receiving into ${printable(dir)}`);
      writeLine(io.stdout, `listening on udp ${init.addresses.join(', ')} port ${listener.port}`);
      if (web) {
        files = await hostFilesRoom(agent, {
          name: init.name,
          certificate: state.certificate,
          onSender: (connection, from) => receiver.serve(connection, from),
        });
        await printPageLink(
          io,
          filesPageUrl(web.origin, files.room.inviteText),
          wantsQr(parsed, io),
          'send files here or to each other',
        );
        files.room.onJoin((m) => receiver.say(`+ page "${printable(m.name)}" (${m.id}) opened the link`));
        files.room.onLeave((m) => receiver.say(`- page "${printable(m.name)}" (${m.id}) left`));
      }
      if (usePin) pins = showPins(agent, io, undefined, 'wait for the lock to pass');
      if (useCompare) {
        const display = agent.acceptCompare(terminalCompare(io, receiver.say));
        display.onFailure((error) =>
          receiver.say(
            `pairing by comparison failed (${error.name}: ${printable(error.message)}); the sender is not trusted`,
          ),
        );
        comparing = display;
        writeLine(io.stdout, 'pairing by comparing digits is open to senders not paired yet');
      }
      ad = await announceDevice(listener, init.addresses, logger, io, 'receive');
      writeLine(io.stdout, `announced "${printable(ad.name)}" over mDNS (type ${FILES_DEVICE_TYPE})`);
      writeLine(io.stdout, `waiting for \`lanrtc send\`${web ? ' and the pages' : ''} (Ctrl-C stops)`);
      const why = await untilAborted(stop.signal);
      receiver.stopViews(); // the line below would be drawn over by running bars
      if (why !== 'done') writeLine(io.stdout, `stopping (${why})`);
    } finally {
      io.signal.removeEventListener('abort', onAbort);
      pins?.close();
      comparing?.close();
      await ad?.close();
      await files?.close('the receiver stopped');
      await receiver.close();
      await agent.close(); // and its listener
      await web?.relay.close({ reason: 'the receiver stopped' });
    }
    return once && outcome !== true ? 1 : 0;
  },
};

/** `--dir` as an absolute path; it must be an existing directory. */
async function targetDir(given: string): Promise<string> {
  const dir = resolve(given);
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new UsageError(`--dir ${printable(given)}: no such directory (create it first)`, 'receive');
  return dir;
}

/** What the receiving side of each connection needs. */
interface ReceiverInit {
  readonly io: CliIo;
  readonly dir: string;
  readonly state: DeviceState;
  readonly trust: TrustStore;
  /** Accept trusted senders without asking. */
  readonly yes: boolean;
  readonly signal: AbortSignal;
  /** Once per offer: whether its files were received (false: declined or failed). */
  onSettled(received: boolean): void;
}

/** Serves each connection's transfer, one at a time. */
function createReceiver(init: ReceiverInit) {
  const { io } = init;
  const connections = new Set<NodeConnection>();
  // Stopped on the way out too, so Ctrl-C mid-transfer gives the terminal its cursor back.
  const views = new Set<TransferView>();
  // While a transfer's bars are drawn, other lines (another sender, a disconnect) go above them.
  let active: TransferView | undefined;
  const say = (line: string) => {
    if (active) active.log(line);
    else writeLine(io.stdout, line);
  };
  let busy = false;
  return {
    /** Receive on `connection`; `roomName` is a page's name in the files room. */
    serve(connection: NodeConnection, roomName?: string): void {
      const id = connection.remote.id;
      connections.add(connection);
      const firstContact = connection.paired;
      const page = roomName !== undefined ? ` (page "${printable(roomName)}")` : '';
      say(`connected ${id}${page}${firstContact ? ' (paired now)' : ''}`);
      // A sender pairing now names itself with its card right after (peer-card.ts).
      const named = firstContact ? nameFromPeerCard(connection, init.trust) : Promise.resolve(undefined);
      void connection.ended.then((reason) => {
        connections.delete(connection);
        say(`disconnected ${id} (${printable(reason)})`);
      });
      // mine: this connection's transfer is the one running; decidedHere: its offer was put to the user.
      let mine = false;
      let decidedHere = false;
      let who = id;
      const decide = async (offer: TransferOffer): Promise<TransferDecision> => {
        const name = roomName ?? (await named) ?? (await init.trust.get(id))?.name;
        who = name ? `"${printable(name)}" (${id})` : id;
        const held = offer.heldBytes > 0 ? `, ${formatBytes(offer.heldBytes)} already here` : '';
        say(
          `${who} offers ${offer.files.length} file${offer.files.length === 1 ? '' : 's'}, ${formatBytes(offer.totalBytes)}${held}`,
        );
        if (busy) {
          say(`declined ${who}: busy with another transfer`);
          return 'busy';
        }
        busy = true;
        mine = true;
        decidedHere = true;
        const accepted = await ask(firstContact, who);
        if (accepted) active = view;
        else {
          busy = false;
          mine = false;
        }
        return accepted;
      };
      const ask = async (first: boolean, who: string): Promise<boolean> => {
        if (!first && init.yes) {
          say(`accepted (--yes: ${who} is trusted)`);
          return true;
        }
        if (io.stdin.isTTY !== true) {
          say(
            first
              ? 'declined: a sender pairing now is always asked, and stdin is not a terminal to ask on'
              : 'declined: stdin is not a terminal to ask on (--yes accepts senders already trusted)',
          );
          return false;
        }
        const yes = await askYesNo(`accept into ${printable(init.dir)}?`, io);
        say(yes ? 'accepted' : 'declined');
        return yes;
      };
      const transfer = receiveFiles(connection, {
        dir: init.dir,
        certificate: init.state.certificate,
        decide,
        signal: init.signal,
      });
      // A connection that ends without (or during) a transfer ends its wait for one.
      void connection.ended.then(() => transfer.cancel());
      const view = createTransferView(io, 'received');
      views.add(view);
      const off = transfer.onProgress((progress) => {
        if (mine) view.update(progress);
      });
      const settled = transfer.done.then(
        (result) => {
          view.stop();
          const line = summaryLine(result, 'received', view.movingMs());
          say(`${line} from ${who} into ${printable(init.dir)}`);
          return true;
        },
        (error: unknown) => {
          view.stop();
          const text = error instanceof Error ? `${error.name}: ${printable(error.message)}` : String(error);
          // Stopping (Ctrl-C, SIGTERM) ends a transfer by this side's choice: `stopping (…)` says so.
          if (mine && !init.signal.aborted) say(`transfer from ${who} failed: ${text}`);
          return false;
        },
      );
      void settled.then(async (received) => {
        off();
        views.delete(view);
        if (active === view) active = undefined;
        if (mine) busy = false;
        // The sender closes once it heard COMPLETE (or the decline); one that lingers is closed here.
        let linger: NodeJS.Timeout | undefined;
        await Promise.race([
          connection.ended,
          new Promise((resolve) => {
            linger = setTimeout(resolve, LINGER_MS);
          }),
        ]);
        clearTimeout(linger);
        await connection.close();
        // A connection that ended before offering anything (a `lanrtc connect`), or an offer declined
        // as busy, is not this receiver's outcome.
        if (decidedHere) init.onSettled(received);
      });
    },
    say,
    stopViews(): void {
      for (const view of views) view.stop();
    },
    async close(): Promise<void> {
      for (const view of views) view.stop();
      await Promise.all([...connections].map((c) => c.close()));
    },
  };
}
