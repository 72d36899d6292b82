/**
 * A transfer's progress in the terminal (`lanrtc send`, `lanrtc receive`): a line per finished file
 * (`sent a/b.txt (1.2 MB)`, `already there …`), and on a terminal also cli-progress bars above which
 * those lines scroll, one for the whole transfer and one per file while it moves, each with its rate
 * and ETA; not on a terminal (a pipe, a log file) only the lines. Then one summary line: files,
 * bytes, moved vs already there, the lane, MB/s. Paths come from the sender's manifest: on the
 * receiving side they are the peer's text, so they are printed with `printable`.
 */

import type { TransferProgress, TransferResult } from '@lanrtc/signal-core/transfer';
import { MultiBar, type SingleBar } from 'cli-progress';
import { formatBytes, formatEta, formatRate, megabytesPerSecond } from './byte-units.js';
import { type CliIo, writeLine } from './io.js';
import { printable } from './printable.js';

/** A transfer's progress as the view reads it (the transfer API's `TransferProgress`). */
export type ProgressView = TransferProgress;

/** A finished transfer as the summary reads it (the transfer API's `TransferResult`). */
export type ResultView = TransferResult;

/** Shows one transfer's progress; `stop()` (idempotent) leaves the terminal as it was (cursor, line wrapping). */
export interface TransferView {
  update(progress: ProgressView): void;
  /**
   * Milliseconds since the first update — the engines' first progress is the acceptance, so unlike
   * `TransferResult.durationMs` this leaves out the person's time to answer; undefined before it.
   */
  movingMs(): number | undefined;
  /** Print a line: above the bars while they are drawn (a plain write would be drawn over). */
  log(line: string): void;
  stop(): void;
}

/** Widest file name column of a bar; longer paths keep their end (the file name). */
const NAME_WIDTH = 28;
/** Bars redraw at most this often (cli-progress `fps`). */
const FPS = 8;
/** The whole transfer's rate is measured over this much of the recent past. */
const RATE_WINDOW_MS = 5_000;

/** `moved` (sender: "sent", receiver: "received") names what happened to a file that moved. */
export function createTransferView(io: CliIo, moved: 'sent' | 'received'): TransferView {
  return withMovingTime(io.stdout.isTTY === true ? barView(ownBars(io), moved) : lineView(io, moved));
}

/** A view with `movingMs` measured from its first update. */
export function withMovingTime(view: ViewParts): TransferView {
  let first: number | undefined;
  return {
    update(progress) {
      first ??= Date.now();
      view.update(progress);
    },
    movingMs: () => (first === undefined ? undefined : Date.now() - first),
    log: (line) => view.log(line),
    stop: () => view.stop(),
  };
}

/**
 * The whole transfer's rate over the last `RATE_WINDOW_MS` of updates, and the ETA at that rate. The
 * engines' own `bytesPerSecond` counts from before the offer was accepted, so a rate shown in the
 * first seconds would include the time a person took to answer.
 */
function rateMeter(): (progress: ProgressView) => { rate: number; etaMs: number | undefined } {
  const samples: [number, number][] = [];
  return (progress) => {
    const now = Date.now();
    const moved = progress.doneBytes - progress.heldBytes;
    samples.push([now, moved]);
    while (samples.length > 2 && (samples[1] as [number, number])[0] <= now - RATE_WINDOW_MS) samples.shift();
    const [t0, b0] = samples[0] as [number, number];
    const rate = now > t0 ? ((moved - b0) * 1000) / (now - t0) : 0;
    const left = progress.totalBytes - progress.doneBytes;
    return { rate, etaMs: left === 0 ? 0 : rate > 0 ? (left * 1000) / rate : undefined };
  };
}

/** Calls `say` once per file with its line, when it is done or found already there. */
function fileLines(moved: string, say: (line: string) => void): (progress: ProgressView) => void {
  const told = new Set<number>();
  return (progress) => {
    progress.files.forEach((file, i) => {
      if (told.has(i) || (file.state !== 'done' && file.state !== 'held')) return;
      told.add(i);
      const what = file.state === 'held' ? 'already there' : moved;
      say(`${what} ${printable(file.path)} (${formatBytes(file.size)})`);
    });
  };
}

/** What the two kinds of view do (`withMovingTime` adds `movingMs`). */
export type ViewParts = Omit<TransferView, 'movingMs'>;

/**
 * One line per file as it finishes (moved or already there), for logs and pipes; `label` (a
 * transfer among several: `to "Ada"`) ends each line.
 */
export function lineView(io: CliIo, moved: string, label?: string): ViewParts {
  const end = label === undefined ? '' : ` ${label}`;
  return {
    update: fileLines(moved, (line) => writeLine(io.stdout, `${line}${end}`)),
    log: (line) => writeLine(io.stdout, line),
    stop() {},
  };
}

/**
 * Where a bar view draws: one cli-progress `MultiBar` of its own, or one shared by several views
 * (`transfer-board.ts`), which must stay until the last of them is done.
 */
export interface BarHost {
  /** Where a line goes while no bar is drawn. */
  readonly stdout: CliIo['stdout'];
  /** The bars to draw on, from the view's first update on. */
  acquire(): MultiBar;
  /** The view is done with `mine`: remove them, or stop the bars when they are the last drawn. */
  release(mine: readonly SingleBar[]): void;
}

/**
 * A new `MultiBar` on stdout with the views' format; `forceRedraw` draws every bar on every frame,
 * which bars that move up (one above them removed) need: cli-progress skips a bar whose text did
 * not change, and would leave it drawn on its old line.
 */
export function newMultiBar(io: CliIo, forceRedraw = false): MultiBar {
  return new MultiBar({
    forceRedraw,
    stream: io.stdout,
    // `{eta}` is cli-progress's own (from its updates); ours comes from the transfer's rate window.
    format: '{name} {bar} {percentage}% | {rate} | ETA {left} | {done}/{size}',
    barCompleteChar: '\u2588',
    barIncompleteChar: '\u2591',
    barsize: 24,
    fps: FPS,
    hideCursor: true,
    // main.ts owns SIGINT/SIGTERM; the view is stopped on the way out.
    gracefulExit: false,
    autopadding: true,
  });
}

/** A bar host of one view: the bars stop with it. */
function ownBars(io: CliIo): BarHost {
  let bars: MultiBar | undefined;
  return {
    stdout: io.stdout,
    acquire: () => {
      bars ??= newMultiBar(io);
      return bars;
    },
    release: () => bars?.stop(),
  };
}

/**
 * cli-progress bars: the whole transfer (named `label`, default `total`), then each moving file
 * (removed once it is done).
 */
export function barView(host: BarHost, moved: string, label = 'total'): ViewParts {
  let bars: MultiBar | undefined;
  let overall: SingleBar | undefined;
  const moving = new Map<number, { bar: SingleBar; since: number; from: number }>();
  const finished = new Set<number>();
  let stopped = false;
  const meter = rateMeter();
  const end = label === 'total' ? '' : ` ${label}`;
  // Lines logged through the bars scroll above them (cli-progress redraws the bars below).
  const lines = fileLines(moved, (line) => bars?.log(`${line}${end}\n`));
  return {
    update(progress) {
      if (stopped) return;
      bars ??= host.acquire();
      const drawn = bars;
      lines(progress);
      const done = progress.doneBytes; // held bytes included
      const { rate, etaMs } = meter(progress);
      const payload = {
        name: fitName(label),
        rate: formatRate(rate),
        left: formatEta(etaMs),
        done: formatBytes(done),
        size: formatBytes(progress.totalBytes),
      };
      // cli-progress draws 0 of 0 as NaN %: an empty transfer is whole from the start.
      const total = Math.max(1, progress.totalBytes);
      if (!overall) overall = drawn.create(total, progress.totalBytes === 0 ? 1 : done, payload);
      else overall.update(progress.totalBytes === 0 ? 1 : done, payload);
      const now = Date.now();
      progress.files.forEach((file, i) => {
        if (finished.has(i)) return;
        let entry = moving.get(i);
        if (file.state === 'moving' && !entry) {
          entry = {
            bar: drawn.create(Math.max(1, file.size), file.doneBytes, fileFields(file, 0, undefined)),
            since: now,
            from: file.doneBytes,
          };
          moving.set(i, entry);
        }
        if (!entry) return;
        const seconds = (now - entry.since) / 1000;
        const rate = seconds > 0 ? (file.doneBytes - entry.from) / seconds : 0;
        const eta = rate > 0 ? ((file.size - file.doneBytes) / rate) * 1000 : undefined;
        if (file.state === 'moving') {
          entry.bar.update(file.doneBytes, fileFields(file, rate, eta));
          return;
        }
        finished.add(i);
        moving.delete(i);
        drawn.remove(entry.bar);
      });
    },
    log(line) {
      if (bars && !stopped) bars.log(`${line}\n`);
      else writeLine(host.stdout, line);
    },
    stop() {
      // A second stop() would draw the bars once more below the first.
      if (stopped) return;
      stopped = true;
      if (bars) host.release([...(overall ? [overall] : []), ...[...moving.values()].map((m) => m.bar)]);
    },
  };
}

/** `name` in the bars' name column: padded, or its end (a path's file name) when too long. */
function fitName(name: string): string {
  return (name.length > NAME_WIDTH ? `…${name.slice(-(NAME_WIDTH - 1))}` : name).padEnd(NAME_WIDTH);
}

function fileFields(file: { path: string; size: number; doneBytes: number }, rate: number, eta?: number) {
  return {
    name: fitName(printable(file.path)),
    rate: formatRate(rate),
    left: formatEta(eta),
    done: formatBytes(file.doneBytes),
    size: formatBytes(file.size),
  };
}

/**
 * `sent 12 files, 104.9 MB (94.4 MB moved, 10.5 MB already there) over tls in 1.2 s, 78.6 MB/s`:
 * MB/s counts the bytes that moved over `durationMs` (default the result's, which includes the
 * time before the offer was accepted; `TransferView.movingMs` leaves that out).
 */
export function summaryLine(
  result: ResultView,
  moved: 'sent' | 'received',
  durationMs = result.durationMs,
): string {
  const total = result.movedBytes + result.heldBytes;
  const held = result.files.filter((f) => f.state === 'held').length;
  return (
    `${moved} ${result.files.length} file${result.files.length === 1 ? '' : 's'}, ${formatBytes(total)} ` +
    `(${formatBytes(result.movedBytes)} moved, ${formatBytes(result.heldBytes)} already there` +
    `${held > 0 ? ` in ${held} file${held === 1 ? '' : 's'}` : ''}) over ${result.lane} in ` +
    `${(durationMs / 1000).toFixed(1)} s, ${megabytesPerSecond(result.movedBytes, durationMs)} MB/s`
  );
}
