/**
 * The receiving engine: reassembles and decodes the OFFER (decoding is validating), asks the sink
 * what it holds (resume) and the application whether to accept, then verifies every chunk's SHA-256
 * before the sink writes it, acknowledges it (flow control), and lets the sink finish each file
 * (chunk list against the file hash, fsync, rename) (docs/PROTOCOL.md, "File transfer"). A sender that ignores the
 * window, sends a chunk not asked for or out of order is refused with `TransferProtocolError`.
 */
import { equalBytes } from '../encoding/bytes.js';
import {
  ChunkVerificationError,
  InvalidArgumentError,
  LanrtcError,
  TransferDeclinedError,
  TransferProtocolError,
} from '../errors.js';
import { encodeAccept } from './accept.js';
import type { DeclineReason } from './frames.js';
import type { TransferLane } from './lane.js';
import { DEFAULT_WINDOW_BYTES } from './limits.js';
import { chunkCount, chunkLength, decodeManifest } from './manifest.js';
import type { TransferManifest } from './manifest-types.js';
import { createPayloadAssembler, splitPayload } from './payload.js';
import { createProgressMeter, type ProgressMeter } from './progress.js';
import { createFrameSession, type SessionInit } from './session.js';
import type {
  ChunkDigest,
  FileHolding,
  FileSink,
  MovingChunkDigest,
  Sha256,
  Sha256Factory,
} from './source.js';
import type { OfferSummary, TransferDecision, TransferProgress, TransferResult } from './types.js';

/** What `runReceiver` needs. */
export interface RunReceiverInit extends SessionInit {
  /**
   * The negotiated lane (the engine neither opens nor closes it). Once this resolves, leave closing
   * to the sender (it is done at COMPLETE) or wait a moment: a close may drop the queued COMPLETE.
   */
  readonly lane: TransferLane;
  /** Where the files go (the engine does not close it; it settles only after the sink call in progress ended). */
  readonly sink: FileSink;
  /** SHA-256 for chunk verification (Node's native one, or `nobleSha256`). */
  readonly sha256: Sha256Factory;
  /**
   * Optional one-shot chunk hash that runs off this thread: each whole chunk is then hashed there,
   * started as soon as the chunk is in, and checked before the sink writes it, so verifying one
   * chunk overlaps receiving the next. Without it every chunk is hashed here, as its frames arrive.
   * A `MovingChunkDigest` (a Web Worker) gets the chunk's own buffer and hands it back.
   */
  readonly chunkDigest?: ChunkDigest | MovingChunkDigest | undefined;
  /**
   * Accept (`true`) or decline (`false`) the offer, or `'busy'`: declined because this side is taken by
   * another transfer, which the sender hears as reason `busy`. The sender waits (kept alive) meanwhile.
   */
  readonly decide: (offer: OfferSummary) => TransferDecision | Promise<TransferDecision>;
  /** Most chunk bytes this side holds unacknowledged (default 16 MiB, never below one chunk). */
  readonly windowBytes?: number | undefined;
  /** Progress snapshots, at most every `progressIntervalMs` and on every file state change. */
  readonly onProgress?: ((progress: TransferProgress) => void) | undefined;
  /** Least time between two progress snapshots (default 100 ms). */
  readonly progressIntervalMs?: number | undefined;
  /** Clock for rates (default `Date.now`). */
  readonly now?: (() => number) | undefined;
}

/** The chunk being reassembled from DATA frames. */
interface Assembling {
  readonly fileIndex: number;
  readonly chunkIndex: number;
  readonly length: number;
  buffer: Uint8Array | undefined;
  /** Whether `buffer` is a view into the lane's frame (given back with `lane.release` once written). */
  inFrame: boolean;
  filled: number;
  /** Incremental hash as frames arrive; `undefined` when the whole chunk goes to `chunkDigest`. */
  readonly hash: Sha256 | undefined;
}

const DECLINE_FOR: Record<string, DeclineReason> = {
  UnsafePathError: 'unsafe-path',
  InvalidManifestError: 'invalid-manifest',
  InsufficientSpaceError: 'no-space',
};

/** Whether chunk `c` is held: every chunk of a complete file, the verified ones of a partial one. */
function isHeld(holding: FileHolding, c: number): boolean {
  return holding.state === 'complete' || (holding.state === 'partial' && holding.verifiedChunks.has(c));
}

/** Receive one transfer over `lane` into `sink`; resolves when every file is stored, rejects with a typed error. */
export async function runReceiver(init: RunReceiverInit): Promise<TransferResult> {
  const { lane, sink } = init;
  const now = init.now ?? Date.now;
  let started = now();
  const assembler = createPayloadAssembler();
  let offerBytes: Uint8Array | undefined;
  let manifest: TransferManifest | undefined;
  let meter: ProgressMeter | undefined;
  let accepted = false;
  let window = 0;
  let unackedBytes = 0;
  // The wanted chunks in the order the sender must send them (file order, then chunk order).
  const wanted: number[][] = [];
  let nextFile = 0;
  let nextPos = 0;
  let remaining: number[] = [];
  let current: Assembling | undefined;
  let chain: Promise<void> = Promise.resolve();
  let filesDone = 0;
  let completeSent = false;
  const finalPaths: (string | undefined)[] = [];

  let lastEmit = Number.NEGATIVE_INFINITY;
  const interval = init.progressIntervalMs ?? 100;
  const emit = (force: boolean) => {
    if (!init.onProgress || !meter) return;
    const t = now();
    if (!force && t - lastEmit < interval) return;
    lastEmit = t;
    try {
      init.onProgress(meter.snapshot());
    } catch {
      // The application's listener failing must not fail the transfer.
    }
  };

  const finishFile = async (i: number, complete: boolean) => {
    if (!complete) finalPaths[i] = (await sink.finishFile(i)).finalPath;
    meter?.setState(i, complete ? 'held' : 'done');
    await session.send({ type: 'file-done', fileIndex: i });
    filesDone += 1;
    emit(true);
    if (filesDone === manifest?.files.length) {
      await session.send({ type: 'complete' });
      completeSent = true;
      session.notify();
    }
  };
  // Sink calls run one at a time, in order; after a failure the queued ones are skipped, and the
  // engine settles only once the one running ended, so the caller may close the sink right after.
  const queue = (work: () => Promise<void>) => {
    chain = chain.then(() => (session.failure ? undefined : work())).catch((error) => session.fail(error));
  };

  const onData = (frame: { fileIndex: number; chunkIndex: number; offset: number; bytes: Uint8Array }) => {
    const m = manifest as TransferManifest;
    if (!current) {
      const file = m.files[frame.fileIndex];
      while (nextFile < wanted.length && nextPos >= (wanted[nextFile]?.length ?? 0)) {
        nextFile += 1;
        nextPos = 0;
      }
      if (!file || frame.fileIndex !== nextFile || wanted[nextFile]?.[nextPos] !== frame.chunkIndex)
        throw new TransferProtocolError('DATA for a chunk not asked for, or out of order');
      if (frame.offset !== 0) throw new TransferProtocolError('DATA does not start a chunk at offset 0');
      const length = chunkLength(file.size, m.chunkSize, frame.chunkIndex);
      // The sender's window is this side's memory bound: refuse a sender that ignores it.
      if (unackedBytes + length > window)
        throw new TransferProtocolError('DATA past the flow-control window');
      unackedBytes += length;
      current = {
        fileIndex: frame.fileIndex,
        chunkIndex: frame.chunkIndex,
        length,
        buffer: undefined,
        inFrame: false,
        filled: 0,
        hash: init.chunkDigest ? undefined : init.sha256(),
      };
    } else if (
      frame.fileIndex !== current.fileIndex ||
      frame.chunkIndex !== current.chunkIndex ||
      frame.offset !== current.filled
    )
      throw new TransferProtocolError('DATA out of order');
    const chunk = current;
    if (chunk.filled + frame.bytes.length > chunk.length)
      throw new TransferProtocolError('DATA past the chunk end');
    // A chunk in one frame (the TLS lane) is used as is; pieces (a DataChannel) are copied together.
    if (frame.bytes.length === chunk.length) {
      chunk.buffer = frame.bytes;
      chunk.inFrame = true;
    } else {
      chunk.buffer ??= new Uint8Array(chunk.length);
      chunk.buffer.set(frame.bytes, chunk.filled);
    }
    chunk.hash?.update(frame.bytes);
    chunk.filled += frame.bytes.length;
    if (chunk.filled < chunk.length) return;
    current = undefined;
    const { fileIndex: i, chunkIndex: c, length } = chunk;
    const expected = m.files[i]?.chunkHashes[c] as Uint8Array;
    const mismatch = () => new ChunkVerificationError(`chunk ${c} of file ${i} does not match its SHA-256`);
    if (chunk.hash && !equalBytes(chunk.hash.digest(), expected)) throw mismatch();
    nextPos += 1;
    let data = chunk.buffer as Uint8Array;
    let inFrame = chunk.inFrame;
    // Started now, awaited in order below: chunks are hashed while later ones arrive.
    const digest = init.chunkDigest?.(data);
    digest?.catch(() => {}); // awaited in the queue; one skipped after a failure is not unhandled
    meter?.setState(i, 'moving');
    queue(async () => {
      // Never written unverified: the partial file holds verified chunks only (resume trusts it).
      if (digest) {
        const result = await digest;
        // A digest that moved the bytes (a Web Worker's transfer) hands them back.
        if (!(result instanceof Uint8Array)) {
          data = result.bytes;
          // Memory that went away and came back is no longer the view the lane handed out.
          inFrame = false;
        }
        if (!equalBytes(result instanceof Uint8Array ? result : result.digest, expected)) throw mismatch();
      }
      await sink.writeChunk(i, c, data);
      // Written: the lane may reuse the frame's memory (a stream lane's 1 MiB frames, see lane.ts).
      if (inFrame) lane.release?.(data);
      unackedBytes -= length;
      meter?.moved(i, length);
      await session.send({ type: 'ack', fileIndex: i, chunkIndex: c });
      emit(false);
      remaining[i] = (remaining[i] ?? 0) - 1;
      if (remaining[i] === 0) await finishFile(i, false);
    });
  };

  const session = createFrameSession(lane, init, (frame) => {
    switch (frame.type) {
      case 'offer': {
        if (offerBytes) throw new TransferProtocolError('a second OFFER');
        offerBytes = assembler.add(frame);
        return;
      }
      case 'data':
        if (!accepted) throw new TransferProtocolError('DATA before ACCEPT');
        onData(frame);
        return;
      default:
        throw new TransferProtocolError(`unexpected ${frame.type} frame at the receiver`);
    }
  });

  // A plain "no" goes without text (the sender says "the receiver declined the offer"); a check
  // that failed sends what failed.
  const decline = async (reason: DeclineReason, error: Error): Promise<never> => {
    const text = reason === 'declined' ? '' : error.message;
    await session.send({ type: 'decline', reason, text }).catch(() => {});
    session.fail(error, false);
    throw error;
  };

  try {
    await session.until(() => offerBytes !== undefined);
    let holdings: FileHolding[];
    try {
      manifest = decodeManifest(offerBytes as Uint8Array);
      holdings = await sink.prepare(manifest);
    } catch (error) {
      const reason = error instanceof LanrtcError ? DECLINE_FOR[error.name] : undefined;
      if (reason) return await decline(reason, error as Error);
      throw error;
    }
    const m = manifest;
    if (holdings.length !== m.files.length)
      throw new InvalidArgumentError('sink.prepare returned a holding per file');
    meter = createProgressMeter(m, lane.kind, now);
    m.files.forEach((file, i) => {
      const count = chunkCount(file.size, m.chunkSize);
      const holding = holdings[i] as FileHolding;
      const want: number[] = [];
      let heldBytes = 0;
      for (let c = 0; c < count; c++) {
        if (isHeld(holding, c)) heldBytes += chunkLength(file.size, m.chunkSize, c);
        else want.push(c);
      }
      wanted.push(want);
      meter?.held(i, heldBytes);
    });
    remaining = wanted.map((chunks) => chunks.length);
    const summary: OfferSummary = {
      files: m.files.map((file) => ({ path: file.path, size: file.size })),
      totalBytes: m.files.reduce((sum, file) => sum + file.size, 0),
      heldBytes: meter.heldBytes,
    };
    // The peer may abort, or the lane close, while the application decides.
    const verdict = await Promise.race([Promise.resolve(init.decide(summary)), session.until(() => false)]);
    if (verdict === 'busy')
      return await decline('busy', new TransferDeclinedError('another transfer is in progress here', 'busy'));
    if (verdict !== true)
      return await decline('declined', new TransferDeclinedError('the offer was declined here', 'declined'));

    window = Math.max(m.chunkSize, init.windowBytes ?? DEFAULT_WINDOW_BYTES);
    accepted = true;
    for (const piece of splitPayload(encodeAccept({ windowBytes: window, wanted }), lane.maxFrameBytes))
      await session.send({ type: 'accept', ...piece });
    // Duration and rate count from the acceptance, not from the time a person took to decide.
    started = now();
    meter.restart();
    emit(true);
    // Files with nothing to move: complete ones are held as they are; the rest (every chunk
    // already verified, or empty) still need their final name.
    queue(async () => {
      for (const [i, chunks] of wanted.entries())
        if (chunks.length === 0) await finishFile(i, holdings[i]?.state === 'complete');
      if (m.files.length === 0) {
        await session.send({ type: 'complete' });
        completeSent = true;
        session.notify();
      }
    });
    await session.until(() => completeSent);
    emit(true);
    return {
      lane: lane.kind,
      files: m.files.map((file, i) => {
        const finalPath = finalPaths[i];
        const state = holdings[i]?.state === 'complete' ? ('held' as const) : ('received' as const);
        return finalPath === undefined
          ? { path: file.path, size: file.size, state }
          : { path: file.path, size: file.size, state, finalPath };
      }),
      movedBytes: meter.movedBytes,
      heldBytes: meter.heldBytes,
      durationMs: now() - started,
    };
  } catch (error) {
    session.fail(error);
    throw session.failure ?? error;
  } finally {
    session.close();
    await chain;
  }
}
