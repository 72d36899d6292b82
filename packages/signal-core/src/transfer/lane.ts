/**
 * `TransferLane`: what the file-transfer protocol needs from the path its frames travel — a
 * DataChannel (browsers, and the fallback between Node agents) or a TLS 1.3 stream whose two
 * certificates are the ones the peers' identities signed (Node to Node). The protocol engines are
 * written against this interface only; platform packages adapt their channels and sockets to it.
 */
import type { Unsubscribe } from '../events.js';

/** Which kind of path a lane is, as a transfer reports it ("sent over tls"). */
export type TransferLaneKind = 'tls' | 'datachannel';

/** One open, authenticated, reliable and ordered path for whole transfer frames. */
export interface TransferLane {
  readonly kind: TransferLaneKind;
  /**
   * Largest frame this lane carries in one piece: a DataChannel message (64 KiB, under every
   * browser's max-message-size), a length-prefixed record on a stream (larger).
   */
  readonly maxFrameBytes: number;
  /**
   * Queue one frame (1…`maxFrameBytes` bytes, not modified afterwards: the lane may send it without a
   * copy); resolves once the lane's send buffer is below its high-water mark, so awaiting each write
   * is the sender's backpressure. Rejects with `TransportClosedError` once the lane closed.
   */
  write(frame: Uint8Array): Promise<void>;
  /**
   * Optional: queue one frame given as parts whose concatenation is the frame (a DATA header and its
   * payload), so a lane that can send them apart (a stream) never joins them into a copy; otherwise
   * as `write`. Lanes without it get the joined frame through `write`.
   */
  writeParts?(parts: readonly Uint8Array[]): Promise<void>;
  /**
   * Each whole frame the other side wrote, in order. The array is handed over: the lane reuses its
   * memory only once it is given back with `release` (the receiver keeps views into it until the
   * chunk is written).
   */
  onFrame(listener: (frame: Uint8Array) => void): Unsubscribe;
  /**
   * Optional: give back a frame from `onFrame` (or a view into it) that nothing reads any more, so a
   * lane that assembles frames (a stream) reuses its memory instead of allocating anew.
   */
  release?(frame: Uint8Array): void;
  /** Once, when the lane closed from either side; `error` when it failed rather than closed. */
  onClose(listener: (error?: Error) => void): Unsubscribe;
  /** Close the lane (idempotent); queued frames may be lost. */
  close(): void;
}
