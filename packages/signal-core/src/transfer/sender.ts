/**
 * The sending engine: offers the manifest, sends the chunks the receiver asked for with at most a
 * window of unacknowledged bytes in flight (the receiver's memory bound, whatever the lane), and
 * resolves when the receiver reports every file verified and stored (docs/PROTOCOL.md, "File
 * transfer"). Platform-free: it sees a `TransferLane` and a `FileSource` only.
 */
import { InvalidArgumentError, SourceChangedError, TransferProtocolError } from '../errors.js';
import { type AcceptPayload, decodeAccept } from './accept.js';
import { declinedByReceiver } from './decline.js';
import type { TransferLane } from './lane.js';
import { DATA_HEADER_MAX_BYTES, DEFAULT_WINDOW_BYTES } from './limits.js';
import { chunkLength, encodeManifest } from './manifest.js';
import { createPayloadAssembler, splitPayload } from './payload.js';
import { createProgressMeter } from './progress.js';
import { createFrameSession, type SessionInit } from './session.js';
import type { FileSource } from './source.js';
import type { TransferProgress, TransferResult } from './types.js';

/** What `runSender` needs. */
export interface RunSenderInit extends SessionInit {
  /** The negotiated lane (the engine neither opens nor closes it). */
  readonly lane: TransferLane;
  /** The files (the engine does not close it; it settles only after the read in progress ended). */
  readonly source: FileSource;
  /** Most unacknowledged chunk bytes in flight (default 16 MiB; the receiver may ask for less; never below one chunk). */
  readonly windowBytes?: number | undefined;
  /** Progress snapshots, at most every `progressIntervalMs` and on every file state change. */
  readonly onProgress?: ((progress: TransferProgress) => void) | undefined;
  /** Least time between two progress snapshots (default 100 ms). */
  readonly progressIntervalMs?: number | undefined;
  /** Clock for rates (default `Date.now`). */
  readonly now?: (() => number) | undefined;
}

/** Key of one chunk in the in-flight map (a file has at most 2^21 chunks). */
const chunkKey = (fileIndex: number, chunkIndex: number) => fileIndex * 2 ** 22 + chunkIndex;

/** `[fileIndex, chunkIndex]` of every wanted chunk, in order, made as it is consumed (2^21 pairs held at once would cost ~100 MB). */
function* wantedChunks(wanted: readonly (readonly number[])[]): Generator<[number, number]> {
  for (const [i, chunks] of wanted.entries()) for (const c of chunks) yield [i, c];
}

/** Send `source` over `lane`; resolves when the receiver has every file, rejects with a typed error. */
export async function runSender(init: RunSenderInit): Promise<TransferResult> {
  const { lane, source } = init;
  const { manifest } = source;
  const now = init.now ?? Date.now;
  let started = now();
  const pieceBytes = lane.maxFrameBytes - DATA_HEADER_MAX_BYTES;
  if (pieceBytes < 1) throw new InvalidArgumentError('lane frames too small for data');
  const offer = encodeManifest(manifest);
  const meter = createProgressMeter(manifest, lane.kind, now);
  const assembler = createPayloadAssembler();
  let accept: AcceptPayload | undefined;
  // Chunks sent and not yet acknowledged: their bytes, given back to the source at the ACK.
  const inflight = new Map<number, Uint8Array>();
  let inflightBytes = 0;
  // Per file: chunks not yet acknowledged (undefined until the ACCEPT arrived).
  const unacked: number[] = [];
  const fileDone = manifest.files.map(() => false);
  let filesDone = 0;
  let complete = false;

  let lastEmit = Number.NEGATIVE_INFINITY;
  const interval = init.progressIntervalMs ?? 100;
  const emit = (force: boolean) => {
    if (!init.onProgress) return;
    const t = now();
    if (!force && t - lastEmit < interval) return;
    lastEmit = t;
    try {
      init.onProgress(meter.snapshot());
    } catch {
      // The application's listener failing must not fail the transfer.
    }
  };

  const session = createFrameSession(lane, init, (frame) => {
    switch (frame.type) {
      case 'accept': {
        if (accept) throw new TransferProtocolError('a second ACCEPT');
        const whole = assembler.add(frame);
        if (whole) {
          accept = decodeAccept(whole, manifest);
          // Set up here, not after `until` resumes: FILE_DONEs of held files may follow in the same task.
          for (const [i, file] of manifest.files.entries()) {
            const chunks = accept.wanted[i] ?? [];
            unacked[i] = chunks.length;
            let moving = 0;
            for (const c of chunks) moving += chunkLength(file.size, manifest.chunkSize, c);
            meter.held(i, file.size - moving);
            if (chunks.length === 0 && file.size > 0) meter.setState(i, 'held');
          }
        }
        return;
      }
      case 'decline':
        if (accept) throw new TransferProtocolError('DECLINE after ACCEPT');
        session.fail(declinedByReceiver(frame.reason, frame.text), false);
        return;
      case 'ack': {
        const key = chunkKey(frame.fileIndex, frame.chunkIndex);
        const data = inflight.get(key);
        if (data === undefined) throw new TransferProtocolError('ACK for a chunk not in flight');
        inflight.delete(key);
        const length = data.length;
        inflightBytes -= length;
        source.release?.(data);
        unacked[frame.fileIndex] = (unacked[frame.fileIndex] ?? 0) - 1;
        meter.moved(frame.fileIndex, length);
        emit(false);
        return;
      }
      case 'file-done': {
        const i = frame.fileIndex;
        if (!accept || i >= manifest.files.length || fileDone[i] || unacked[i] !== 0)
          throw new TransferProtocolError('FILE_DONE for a file that is not finished');
        fileDone[i] = true;
        filesDone += 1;
        if (accept.wanted[i]?.length !== 0 || (manifest.files[i]?.size ?? 0) === 0) meter.setState(i, 'done');
        emit(true);
        return;
      }
      case 'complete':
        if (filesDone !== manifest.files.length)
          throw new TransferProtocolError('COMPLETE before every FILE_DONE');
        complete = true;
        return;
      default:
        throw new TransferProtocolError(`unexpected ${frame.type} frame at the sender`);
    }
  });

  // The chunk being read ahead, if any: the engine settles only after it, so the caller may close the source.
  let pending: { i: number; c: number; reading: Promise<Uint8Array> } | undefined;
  try {
    for (const piece of splitPayload(offer, lane.maxFrameBytes))
      await session.send({ type: 'offer', ...piece });
    await session.until(() => accept !== undefined);
    const { wanted, windowBytes } = accept as unknown as AcceptPayload;
    const window = Math.max(
      manifest.chunkSize,
      Math.min(init.windowBytes ?? DEFAULT_WINDOW_BYTES, windowBytes),
    );
    // Duration and rate count from the acceptance, not from the time a person took to decide.
    started = now();
    meter.restart();
    emit(true);

    // Every wanted chunk in order; the next one is read while the current one is sent, so the
    // source's read latency overlaps the lane (one chunk of sender memory beyond the window).
    const chunks = wantedChunks(wanted);
    const read = (next: IteratorResult<[number, number]>) => {
      if (next.done) return undefined;
      const [i, c] = next.value;
      const reading = source.readChunk(i, c);
      reading.catch(() => {}); // awaited below; a failure of a read never awaited is not unhandled
      return { i, c, reading };
    };
    pending = read(chunks.next());
    while (pending) {
      const { i, c, reading } = pending;
      const file = manifest.files[i] as (typeof manifest.files)[number];
      const length = chunkLength(file.size, manifest.chunkSize, c);
      const data = await reading;
      if (data.length !== length)
        throw new SourceChangedError('a source file changed size while it was sent');
      await session.until(() => inflightBytes + length <= window);
      pending = read(chunks.next());
      inflight.set(chunkKey(i, c), data);
      inflightBytes += length;
      meter.setState(i, 'moving');
      for (let offset = 0; offset < length; offset += pieceBytes)
        await session.send({
          type: 'data',
          fileIndex: i,
          chunkIndex: c,
          offset,
          bytes: data.subarray(offset, offset + pieceBytes),
        });
    }
    await session.until(() => complete);
    emit(true);
    return {
      lane: lane.kind,
      files: manifest.files.map((file, i) => ({
        path: file.path,
        size: file.size,
        state: (wanted[i]?.length ?? 0) === 0 && file.size > 0 ? 'held' : 'received',
      })),
      movedBytes: meter.movedBytes,
      heldBytes: meter.heldBytes,
      durationMs: now() - started,
    };
  } catch (error) {
    session.fail(error);
    throw session.failure ?? error;
  } finally {
    session.close();
    await pending?.reading.catch(() => {});
  }
}
