/**
 * Several transfers' progress at once (`lanrtc send --web`: one per page): on a terminal one set of
 * cli-progress bars that every transfer's view draws into (two `MultiBar`s on one stream would draw
 * over each other), each transfer's whole bar named by its label; elsewhere the line view, each line
 * ending with the label. Lines logged meanwhile scroll above the bars.
 */
import type { MultiBar } from 'cli-progress';
import { type CliIo, writeLine } from './io.js';
import {
  type BarHost,
  barView,
  lineView,
  newMultiBar,
  type TransferView,
  withMovingTime,
} from './transfer-view.js';

/** Views of concurrent transfers on one terminal. */
export interface TransferBoard {
  /** A view of one more transfer; `label` names it (`to "Ada"`). */
  view(label: string): TransferView;
  /** Print a line above the bars (or plainly when none is drawn). */
  log(line: string): void;
  /** Stop every view (the terminal gets its cursor back). */
  stop(): void;
}

/** `moved` names what happened to a file that moved ("sent", "received"), as in `createTransferView`. */
export function createTransferBoard(io: CliIo, moved: 'sent' | 'received'): TransferBoard {
  const views = new Set<TransferView>();
  if (io.stdout.isTTY !== true)
    return {
      view: (label) => withMovingTime(lineView(io, moved, label)),
      log: (line) => writeLine(io.stdout, line),
      stop() {},
    };
  // Drawn from the first view's first update until the last drawn view stops; then a new one.
  let bars: MultiBar | undefined;
  let drawing = 0;
  const host: BarHost = {
    stdout: io.stdout,
    acquire() {
      // Bars of a transfer that ends are removed from among the others': the rest move up.
      bars ??= newMultiBar(io, true);
      drawing++;
      return bars;
    },
    release(mine) {
      drawing--;
      if (drawing > 0) for (const bar of mine) bars?.remove(bar);
      else {
        // The last view's bars stay on screen in their final state, as a single view's do.
        bars?.stop();
        bars = undefined;
      }
    },
  };
  return {
    view(label) {
      const view = withMovingTime(barView(host, moved, label));
      views.add(view);
      return {
        ...view,
        stop() {
          views.delete(view);
          view.stop();
        },
      };
    },
    log(line) {
      if (bars) bars.log(`${line}\n`);
      else writeLine(io.stdout, line);
    },
    stop() {
      for (const view of [...views]) view.stop();
      views.clear();
    },
  };
}
