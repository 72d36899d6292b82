/**
 * The platform-free shape of a file transfer as an application sees it: the offer a receiver
 * accepts or declines, progress, the result, and the handle (`FileTransfer`) that Node's
 * `sendFiles` / `receiveFiles` and the browser's equivalents return.
 */
import type { Unsubscribe } from '../events.js';
import type { PublicIdentity } from '../identity/identity.js';
import type { TransferLaneKind } from './lane.js';

/** A receiver's answer to an offer: accept (`true`), decline (`false`), or decline as busy with another transfer. */
export type TransferDecision = boolean | 'busy';

/** What a receiver is offered, without who offers it (the engine's view; `TransferOffer` adds the sender). */
export interface OfferSummary {
  readonly files: readonly { readonly path: string; readonly size: number }[];
  /** Sum of the file sizes. */
  readonly totalBytes: number;
  /** Bytes already here (resume, identical files): they will not move again. */
  readonly heldBytes: number;
}

/** An offer as the receiving application sees it, to accept or decline. */
export interface TransferOffer extends OfferSummary {
  readonly from: PublicIdentity;
}

/** Where one file of a transfer is. */
export type TransferFileState = 'waiting' | 'moving' | 'done' | 'held';

/** A snapshot of a running transfer. */
export interface TransferProgress {
  readonly lane: TransferLaneKind;
  readonly totalBytes: number;
  /** Bytes verified and written at the receiver, held bytes included. */
  readonly doneBytes: number;
  readonly heldBytes: number;
  /** Moved bytes per second over the last few seconds. */
  readonly bytesPerSecond: number;
  /** Time left at the current rate; `undefined` before there is a rate. */
  readonly etaMs: number | undefined;
  readonly files: readonly {
    readonly path: string;
    readonly size: number;
    readonly doneBytes: number;
    readonly state: TransferFileState;
  }[];
}

/** How a transfer ended, once it completed. */
export interface TransferResult {
  readonly lane: TransferLaneKind;
  readonly files: readonly {
    readonly path: string;
    readonly size: number;
    /** `held`: nothing of it moved (it was complete at the receiver). */
    readonly state: 'received' | 'held';
    /** Where the receiver stored it (receiver side, files that were finished in this run). */
    readonly finalPath?: string;
  }[];
  readonly movedBytes: number;
  readonly heldBytes: number;
  /** From the receiver's acceptance to the end (the time taken to decide is not in it). */
  readonly durationMs: number;
}

/** A running transfer: progress events, the outcome, and a way to stop it. */
export interface FileTransfer {
  /** Subscribe to progress snapshots. */
  onProgress(listener: (progress: TransferProgress) => void): Unsubscribe;
  /** Resolves when every file is verified and stored; rejects with a typed error. */
  readonly done: Promise<TransferResult>;
  /** Stop the transfer (`done` rejects with `TransferCancelledError`); partial files stay for a resume. */
  cancel(): void;
}
