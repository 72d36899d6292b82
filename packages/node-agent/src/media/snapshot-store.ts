/**
 * The newest JPEG a media source's ffmpeg produced, and the callers waiting for the first one. Only
 * whole images reach it (the JpegSplitter cuts the stream), so a reader never sees a half-written one.
 */
import { MediaClosedError, SnapshotTimeoutError } from '../errors.js';

/** One picture of a media source. */
export interface MediaSnapshot {
  /** A baseline JPEG, from its SOI (FF D8) to its EOI (FF D9). */
  readonly jpeg: Uint8Array;
  /** `Date.now()` when ffmpeg finished writing it (the frame was captured up to one encode earlier). */
  readonly capturedAt: number;
}

interface Waiter {
  resolve(s: MediaSnapshot): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** Keeps the newest snapshot; `next` answers at once when there is one. */
export class SnapshotStore {
  private newest: MediaSnapshot | undefined;
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  /** Replace the newest snapshot and hand it to everyone waiting. */
  put(jpeg: Uint8Array): void {
    if (this.closed) return;
    this.newest = { jpeg, capturedAt: Date.now() };
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve(this.newest);
    }
    this.waiters.clear();
  }

  /** The newest snapshot, or the first one within `timeoutMs` (else `SnapshotTimeoutError`). */
  get(timeoutMs: number): Promise<MediaSnapshot> {
    if (this.closed) return Promise.reject(new MediaClosedError('the media source is closed'));
    if (this.newest) return Promise.resolve(this.newest);
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new SnapshotTimeoutError(`no snapshot from ffmpeg within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  /** Drop the snapshot and fail every waiter with `MediaClosedError`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.newest = undefined;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new MediaClosedError('the media source closed before a snapshot arrived'));
    }
    this.waiters.clear();
  }
}
