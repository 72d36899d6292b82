/**
 * The host's fixed-rate loop: runs `tick` every `tickMs` on a drift-free schedule (tick n is due at
 * start + n·tickMs, whatever the timers did before), and counts honestly how well it kept up — the
 * ticks it ran, the ticks it dropped after a stall, the ticks that ran more than one tick late and
 * the longest stall — for `status`, the local API and the benchmark.
 */

/** How well the loop kept its rate. */
export interface TickLoopStats {
  /** Ticks run to completion since the start. */
  readonly ticks: number;
  /** Ticks skipped because more than the catch-up limit were due at once (the game slowed down). */
  readonly dropped: number;
  /** Ticks that ran more than one tick after they were due. */
  readonly late: number;
  /** The latest the loop ever woke, ms after the oldest tick then due (run or dropped): the longest stall. */
  readonly maxLatenessMs: number;
  /** Time since the loop started, ms (ticks / elapsed is the rate it held). */
  readonly elapsedMs: number;
}

/** Options of `startTickLoop`. */
export interface TickLoopInit {
  /** One step of the simulation. */
  tick(): void;
  /** A tick threw (the loop goes on). */
  onError(error: Error): void;
  readonly tickMs: number;
  /** Most ticks run back to back after a stall; the older due ticks are dropped. */
  readonly maxCatchUp: number;
  /** Monotonic clock, ms (default `performance.now`). */
  readonly now?: () => number;
  /** Timer (default `setTimeout`/`clearTimeout`); the tests pass a fake one. */
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
}

/** A running loop. */
export interface TickLoop {
  stats(): TickLoopStats;
  stop(): void;
}

/** Start ticking; the first tick is due one `tickMs` from now. */
export function startTickLoop(init: TickLoopInit): TickLoop {
  const now = init.now ?? (() => performance.now());
  const setTimer = init.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = init.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const { tickMs, maxCatchUp } = init;
  const start = now();
  // `done` counts schedule slots passed (run or dropped); tick n (1-based) is due at start + n·tickMs.
  let done = 0;
  let ticks = 0;
  let dropped = 0;
  let late = 0;
  let maxLatenessMs = 0;
  let stopped = false;
  let timer: unknown;
  const loop = () => {
    if (stopped) return;
    const t = now();
    const due = Math.floor((t - start) / tickMs);
    // How late the loop woke: the oldest slot not yet run was due then (dropped or not).
    if (due > done) maxLatenessMs = Math.max(maxLatenessMs, t - (start + (done + 1) * tickMs));
    // After a long stall, drop the ticks beyond the catch-up limit rather than fast-forwarding.
    if (due - done > maxCatchUp) {
      dropped += due - maxCatchUp - done;
      done = due - maxCatchUp;
    }
    try {
      while (done < due) {
        // Lateness at the moment this tick starts: a long tick makes the ones after it later.
        const lateness = now() - (start + (done + 1) * tickMs);
        if (lateness > tickMs) late++;
        init.tick();
        done++;
        ticks++;
      }
    } catch (error) {
      init.onError(error as Error);
    }
    timer = setTimer(loop, Math.max(1, start + (done + 1) * tickMs - now()));
  };
  timer = setTimer(loop, tickMs);
  return {
    stats: () => ({ ticks, dropped, late, maxLatenessMs, elapsedMs: now() - start }),
    stop() {
      stopped = true;
      clearTimer(timer);
    },
  };
}
