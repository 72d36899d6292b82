/**
 * Interpolation of the other players' discs: snapshots are kept by host tick and drawn ~100 ms in the
 * past, between the two that bracket that moment, so a late or lost snapshot (jitter, 5 % loss) is
 * covered by the ones around it. The host's tick clock is estimated from arrivals: the earliest
 * arrival relative to its tick over the last second is the least-delayed path, and the delay is
 * measured from there. A window, not an all-time minimum: when the host stalls and skips ticks
 * (a busy machine), or the page stalls, every later snapshot looks late by the same amount, and an
 * all-time minimum would keep drawing ahead of every snapshot that can arrive (measured: the other
 * discs stood still in 50–70 % of the frames on a loaded machine).
 */
import { TICK_MS } from '../shared/constants.js';

/** Where a disc is drawn. */
export interface DiscPose {
  readonly x: number;
  readonly y: number;
  readonly dashing: boolean;
}

/** A snapshot as the interpolator keeps it. */
interface Frame {
  readonly tick: number;
  readonly discs: ReadonlyMap<number, DiscPose>;
}

/** The buffer of recent snapshots. */
export interface Interpolator {
  /** Keep a snapshot that arrived at `arrivalMs` (page clock). Older-than-kept and duplicate ticks are ignored. */
  push(
    tick: number,
    discs: readonly { slot: number; x: number; y: number; dashTicks: number }[],
    arrivalMs: number,
  ): void;
  /** Poses at `nowMs` (page clock), by slot. */
  sample(nowMs: number): Map<number, DiscPose>;
  /** The host tick being drawn at `nowMs`. */
  renderTick(nowMs: number): number;
  /**
   * Samples taken, and those that found the buffer run dry (the drawn time past the newest snapshot,
   * so the other discs stood still): how smooth the others looked.
   */
  readonly stats: { readonly samples: number; readonly starved: number };
}

/** Snapshots kept (1 s at 30 Hz). */
const KEEP = 30;
/** Arrivals the clock estimate looks back over (1 s at 30 Hz). */
const CLOCK_WINDOW = 30;

/** An interpolator drawing `delayMs` behind the estimated host clock. */
export function createInterpolator(delayMs = 100): Interpolator {
  const frames: Frame[] = [];
  /** Arrival minus the tick's nominal time, for the last `CLOCK_WINDOW` arrivals. */
  const samples: number[] = [];
  let offset: number | undefined;
  // Drawn time never runs backwards (the clock estimate relaxing would otherwise pull it back a little).
  let drawn = Number.NEGATIVE_INFINITY;
  const stats = { samples: 0, starved: 0 };
  const renderTick = (nowMs: number) => (offset === undefined ? 0 : (nowMs - offset - delayMs) / TICK_MS);
  return {
    push(tick, discs, arrivalMs) {
      const newest = frames[frames.length - 1];
      if (newest && tick <= (frames[0]?.tick ?? 0)) return;
      if (frames.some((f) => f.tick === tick)) return;
      samples.push(arrivalMs - tick * TICK_MS);
      if (samples.length > CLOCK_WINDOW) samples.shift();
      offset = Math.min(...samples);
      const map = new Map(discs.map((d) => [d.slot, { x: d.x, y: d.y, dashing: d.dashTicks > 0 }]));
      let at = frames.length;
      while (at > 0 && (frames[at - 1]?.tick ?? 0) > tick) at--;
      frames.splice(at, 0, { tick, discs: map });
      if (frames.length > KEEP) frames.shift();
    },
    renderTick,
    stats,
    sample(nowMs) {
      const out = new Map<number, DiscPose>();
      if (frames.length === 0) return out;
      const t = Math.max(drawn, renderTick(nowMs));
      drawn = t;
      let i = frames.length - 1;
      while (i > 0 && (frames[i]?.tick ?? 0) > t) i--;
      const a = frames[i];
      const b = frames[i + 1];
      if (!a) return out;
      stats.samples++;
      if (!b && t > a.tick) stats.starved++;
      if (!b || t <= a.tick) return new Map(a.discs);
      const k = Math.min(1, Math.max(0, (t - a.tick) / (b.tick - a.tick)));
      for (const [slot, pa] of a.discs) {
        const pb = b.discs.get(slot);
        out.set(
          slot,
          pb ? { x: pa.x + (pb.x - pa.x) * k, y: pa.y + (pb.y - pa.y) * k, dashing: pa.dashing } : pa,
        );
      }
      // A disc that joined between the two frames appears at its first place.
      for (const [slot, pb] of b.discs) if (!out.has(slot)) out.set(slot, pb);
      return out;
    },
  };
}
