/**
 * Progress bookkeeping shared by both engines: per-file done bytes and state, and the rate over a
 * sliding window of recent samples (a rate over the whole run would hide a stall, a rate over the
 * last sample alone jumps with every chunk).
 */
import type { TransferLaneKind } from './lane.js';
import type { TransferManifest } from './manifest-types.js';
import type { TransferFileState, TransferProgress } from './types.js';

/** Length of the window the rate is measured over. */
export const RATE_WINDOW_MS = 5_000;

/** Tracks a transfer's progress and makes snapshots. */
export interface ProgressMeter {
  /** `bytes` of file `fileIndex` were held before the transfer began. */
  held(fileIndex: number, bytes: number): void;
  /** `bytes` of file `fileIndex` moved and were verified. */
  moved(fileIndex: number, bytes: number): void;
  /** Set a file's state. */
  setState(fileIndex: number, state: TransferFileState): void;
  /** The transfer starts moving now (the receiver accepted): the rate leaves out the time before. */
  restart(): void;
  /** Bytes moved so far. */
  readonly movedBytes: number;
  /** Bytes held before the transfer began. */
  readonly heldBytes: number;
  /** A snapshot now. */
  snapshot(): TransferProgress;
}

/** A meter over `manifest`; `now` is the clock (ms). */
export function createProgressMeter(
  manifest: TransferManifest,
  lane: TransferLaneKind,
  now: () => number,
  windowMs: number = RATE_WINDOW_MS,
): ProgressMeter {
  const done = manifest.files.map(() => 0);
  const states: TransferFileState[] = manifest.files.map(() => 'waiting');
  const totalBytes = manifest.files.reduce((sum, file) => sum + file.size, 0);
  let movedBytes = 0;
  let heldBytes = 0;
  // (time, movedBytes) samples; the oldest inside the window anchors the rate.
  const samples: [number, number][] = [[now(), 0]];
  return {
    held(fileIndex, bytes) {
      done[fileIndex] = (done[fileIndex] ?? 0) + bytes;
      heldBytes += bytes;
    },
    moved(fileIndex, bytes) {
      done[fileIndex] = (done[fileIndex] ?? 0) + bytes;
      movedBytes += bytes;
      const t = now();
      samples.push([t, movedBytes]);
      // Keep one sample at or before the window's start so the rate spans the whole window.
      while (samples.length > 2 && (samples[1] as [number, number])[0] <= t - windowMs) samples.shift();
    },
    setState(fileIndex, state) {
      states[fileIndex] = state;
    },
    restart() {
      samples.splice(0, samples.length, [now(), movedBytes]);
    },
    get movedBytes() {
      return movedBytes;
    },
    get heldBytes() {
      return heldBytes;
    },
    snapshot() {
      const t = now();
      const [t0, b0] = samples[0] as [number, number];
      const elapsed = t - t0;
      const bytesPerSecond = elapsed > 0 ? ((movedBytes - b0) * 1000) / elapsed : 0;
      const doneBytes = movedBytes + heldBytes;
      const left = totalBytes - doneBytes;
      const etaMs =
        left === 0 ? 0 : bytesPerSecond > 0 ? Math.round((left * 1000) / bytesPerSecond) : undefined;
      return {
        lane,
        totalBytes,
        doneBytes,
        heldBytes,
        bytesPerSecond,
        etaMs,
        files: manifest.files.map((file, i) => ({
          path: file.path,
          size: file.size,
          doneBytes: done[i] ?? 0,
          state: states[i] ?? 'waiting',
        })),
      };
    },
  };
}
