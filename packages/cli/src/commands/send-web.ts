/**
 * `lanrtc send PATH... --web`: this terminal serves the file-drop page and a relay on one origin
 * (as `lanrtc receive --web` does), hosts the files room (node-agent `hostFilesRoom`), prints the
 * page's link and its QR code, and offers PATH... to every page that joins (`sendToMember`: its
 * user accepts or declines in the page's offer dialog; the files arrive as downloads). Each page's
 * transfer has its own bars and summary line; a decline or a failure is reported and the command
 * keeps serving until Ctrl-C, or with `--once` until a page has received everything.
 */
import { isIPv4 } from 'node:net';
import { basename, join } from 'node:path';
import { type FilesRoom, hostFilesRoom, receiveFiles } from '@lanrtc/node-agent';
import type { RoomMember } from '@lanrtc/signal-core';
import { filesPageUrl } from '@lanrtc/signal-core/transfer';
import { booleanValue, type ParsedCommand, parsePort, stringValue } from '../args.js';
import { defaultAddresses, defaultDeviceName } from '../device-card.js';
import { startStateAgent } from '../direct-device.js';
import { UsageError } from '../errors.js';
import { type CliIo, untilAborted, writeLine } from '../io.js';
import { createStderrLogger } from '../log.js';
import { ownNameFrom } from '../pin-entry.js';
import { printable } from '../printable.js';
import { checkReadable } from '../send-paths.js';
import { loadDeviceState } from '../state.js';
import { createTransferBoard, type TransferBoard } from '../transfer-board.js';
import { summaryLine } from '../transfer-view.js';
import { filesPageDir } from '../web-page.js';
import { wantsQr } from './card-options.js';
import { DEFAULT_RECEIVE_WEB_PORT, printPageLink, startFilesWeb } from './receive-web.js';

/** Flags of `send` that find and pair with a `lanrtc receive`, and why each has no place with `--web`. */
const NOT_WITH_WEB: readonly (readonly [flag: string, why: string])[] = [
  ['to', 'the receivers are the pages that open the link'],
  ['pin', 'the link pairs the pages'],
  ['compare', 'the link pairs the pages'],
  ['lane', 'a page has only the datachannel lane'],
  ['interface', 'nothing is looked for over mDNS'],
  ['timeout', 'nothing is looked for over mDNS'],
];

/** Flags that only `--web` uses. */
const WEB_ONLY = ['web-port', 'web-page', 'once', 'qr', 'verbose'] as const;

/** A usage error when `--web`'s flags and the direct send's are mixed. */
export function checkWebFlags(parsed: ParsedCommand, web: boolean): void {
  if (web) {
    for (const [flag, why] of NOT_WITH_WEB)
      if (parsed.values[flag] !== undefined)
        throw new UsageError(`--${flag} does not go with --web: ${why}`, 'send');
    return;
  }
  const given = WEB_ONLY.filter((flag) => parsed.values[flag] !== undefined);
  if (given.length > 0)
    throw new UsageError(
      `${given.map((f) => `--${f}`).join(', ')} go${given.length === 1 ? 'es' : ''} with --web`,
      'send',
    );
}

/** Run `lanrtc send PATH... --web` until Ctrl-C (exit 0), or with `--once` until a page has everything (exit 0). */
export async function sendToPages(
  parsed: ParsedCommand,
  paths: readonly string[],
  io: CliIo,
): Promise<number> {
  const name = ownNameFrom(parsed, 'send') ?? defaultDeviceName();
  if (name.trim() === '') throw new UsageError('--name must not be empty (the pages show it)', 'send');
  const given = stringValue(parsed, 'address');
  if (given !== undefined && !isIPv4(given))
    throw new UsageError(
      `--address with --web must be an IPv4 address, the page link names it (got "${printable(given)}")`,
      'send',
    );
  const addresses = given !== undefined ? [given] : defaultAddresses();
  if (addresses.length === 0)
    throw new UsageError('no non-internal IPv4 address found: give one with --address', 'send');
  const port = parsePort(
    stringValue(parsed, 'web-port', String(DEFAULT_RECEIVE_WEB_PORT)),
    '--web-port',
    'send',
    true,
  );
  const once = booleanValue(parsed, 'once', false);
  // Checked before anything starts: a missing page or path is the user's to fix.
  const pageDir = filesPageDir(stringValue(parsed, 'web-page'));
  await checkReadable(paths);
  const logger = createStderrLogger(io, booleanValue(parsed, 'verbose', false));
  const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
  const web = await startFilesWeb({ addresses, port, pageDir, logger, command: 'send' });
  const board = createTransferBoard(io, 'sent');
  const stop = new AbortController();
  const onAbort = () => stop.abort(io.signal.reason);
  io.signal.addEventListener('abort', onAbort, { once: true });
  let files: FilesRoom | undefined;
  try {
    const { agent } = await startStateAgent(state, logger, web.relayUrl);
    const sends = createPageSends({
      paths,
      board,
      signal: stop.signal,
      onComplete: () => once && stop.abort('done'),
    });
    try {
      const room = await hostFilesRoom(agent, {
        name,
        certificate: state.certificate,
        onSender(connection, from) {
          // This terminal only sends, but the pages list every member as a receiver: a page that
          // sends here is declined (the page shows "declined"). Declined, nothing is ever written;
          // the directory is only looked into for files already there, and is never created.
          const refused = receiveFiles(connection, {
            dir: join(state.dir, 'send-web-receives-nothing'),
            certificate: state.certificate,
            lanes: ['datachannel'],
            decide(offer) {
              const n = offer.files.length;
              board.log(
                `page "${printable(from)}" offers ${n} file${n === 1 ? '' : 's'}: declined (this terminal sends; \`lanrtc receive --web\` receives)`,
              );
              return false;
            },
          });
          // The page closes the connection once it has the decline; one that does not is closed with the agent.
          void refused.done.catch(() => undefined);
        },
      });
      files = room;
      const what = paths.map((p) => printable(basename(p) || p)).join(', ');
      await printPageLink(
        io,
        filesPageUrl(web.origin, room.room.inviteText),
        wantsQr(parsed, io),
        `receive ${what}`,
      );
      room.room.onJoin((member) => {
        if (member.id === agent.id) return;
        board.log(`+ page "${printable(member.name)}" (${member.id}) opened the link`);
        sends.offer(room, member);
      });
      room.room.onLeave((member) => board.log(`- page "${printable(member.name)}" (${member.id}) left`));
      writeLine(
        io.stdout,
        `offering ${what} to every page that opens the link${once ? ' (--once: until one has it all)' : ''} (Ctrl-C stops)`,
      );
      const why = await untilAborted(stop.signal);
      board.stop(); // the line below would be drawn over by running bars
      if (why !== 'done') writeLine(io.stdout, `stopping (${why})`);
      await sends.settled();
    } finally {
      stop.abort('stopped'); // a no-op unless something above threw: the transfers end with the agent
      board.stop();
      await files?.close('the sender stopped');
      await agent.close();
    }
  } finally {
    io.signal.removeEventListener('abort', onAbort);
    await web.relay.close({ reason: 'the sender stopped' });
  }
  return 0;
}

/** What the offers to the pages share. */
interface PageSendsInit {
  readonly paths: readonly string[];
  readonly board: TransferBoard;
  /** Cancels every running transfer (Ctrl-C, or `--once` done). */
  readonly signal: AbortSignal;
  /** A page received every file. */
  onComplete(): void;
}

/**
 * The offers to the pages: at most one running per page, none again to a page that has everything
 * (one that declined or failed is offered again when it opens the link again — also when it
 * reopened it while its offer was still running: a reloaded page is a new join of the same id).
 */
function createPageSends(init: PageSendsInit) {
  const { board } = init;
  const busy = new Set<string>();
  const received = new Set<string>();
  const pending = new Set<Promise<void>>();
  const run = async (files: FilesRoom, member: RoomMember): Promise<void> => {
    const who = `"${printable(member.name)}"`;
    const send = await files
      .sendToMember(member.id, init.paths, { signal: init.signal })
      .catch((error: Error) => {
        if (!init.signal.aborted)
          board.log(`could not reach page ${who}: ${error.name}: ${printable(error.message)}`);
        return undefined;
      });
    if (!send) return;
    board.log(`offered to ${who}; waiting for it to accept`);
    const view = board.view(`to ${who}`);
    send.transfer.onProgress((progress) => view.update(progress));
    await send.transfer.done.then(
      (result) => {
        view.stop();
        received.add(member.id);
        board.log(`${summaryLine(result, 'sent', view.movingMs())} to ${who}`);
        init.onComplete();
      },
      (error: Error) => {
        view.stop();
        // Stopping (Ctrl-C, or --once done) ends the others by this side's choice: `stopping (…)` says so.
        if (init.signal.aborted) return;
        if (error.name === 'TransferDeclinedError') board.log(`${who} declined the files`);
        else board.log(`transfer to ${who} failed: ${error.name}: ${printable(error.message)}`);
      },
    );
  };
  /** Offer the files to `member` unless it has them or is receiving them now. */
  const offer = (files: FilesRoom, member: RoomMember): void => {
    if (busy.has(member.id) || received.has(member.id) || init.signal.aborted) return;
    busy.add(member.id);
    const running: Promise<void> = run(files, member).finally(() => {
      busy.delete(member.id);
      pending.delete(running);
      const again = files.room.members().find((m) => m.id === member.id);
      if (again && again.joinedAt > member.joinedAt) offer(files, again);
    });
    pending.add(running);
  };
  return {
    offer,
    /** Resolves once every offer has settled (after the signal, each one promptly). */
    async settled(): Promise<void> {
      await Promise.allSettled([...pending]);
    },
  };
}
