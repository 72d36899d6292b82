/** Shared helpers of the transfer tests: deterministic bytes and a sender/receiver pair over a memory lane. */
import {
  createMemoryLanePair,
  createMemorySink,
  createMemorySource,
  decodeTransferFrame,
  encodeTransferFrame,
  type MemoryFile,
  type MemoryLaneInit,
  type MemorySink,
  type MemorySinkInit,
  type MemorySource,
  nobleSha256,
  type RunReceiverInit,
  type RunSenderInit,
  runReceiver,
  runSender,
  type TransferFrame,
  type TransferLane,
} from '@lanrtc/signal-core/transfer';

/** `length` bytes from a simple seeded generator (xorshift32), so failures reproduce. */
export function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const KiB = 1024;

/** Run both engines over a fresh memory lane pair; both outcomes are settled (never a floating promise). */
export async function transfer(opts: {
  files: readonly MemoryFile[];
  chunkSize?: number;
  sink?: MemorySinkInit;
  lane?: MemoryLaneInit;
  sender?: Partial<RunSenderInit>;
  receiver?: Partial<RunReceiverInit>;
  source?: MemorySource;
}) {
  const [a, b] = createMemoryLanePair(opts.lane);
  const source = opts.source ?? createMemorySource(opts.files, { chunkSize: opts.chunkSize ?? 64 * KiB });
  const sink: MemorySink = createMemorySink(opts.sink);
  const [sent, received] = await Promise.allSettled([
    runSender({ lane: a, source, ...opts.sender }),
    runReceiver({ lane: b, sink, sha256: nobleSha256, decide: () => true, ...opts.receiver }),
  ]);
  a.close();
  b.close();
  return { source, sink, sent, received, lanes: [a, b] as const };
}

/** A hand-driven end of a lane, for playing a hostile or stalled peer. */
export function rawPeer(lane: TransferLane) {
  const frames: TransferFrame[] = [];
  lane.onFrame((bytes) => frames.push(decodeTransferFrame(bytes)));
  return {
    frames,
    send: (frame: TransferFrame) => lane.write(encodeTransferFrame(frame)),
    /** The first frame of `type` (waits for it up to 5 s). */
    async next<T extends TransferFrame['type']>(type: T): Promise<Extract<TransferFrame, { type: T }>> {
      for (let waited = 0; waited < 5000; waited += 2) {
        const frame = frames.find((f) => f.type === type);
        if (frame) return frame as Extract<TransferFrame, { type: T }>;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      throw new Error(`no ${type} frame`);
    },
  };
}

/** What a promise settled to, for asserting on rejections by name. */
export async function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  const [result] = await Promise.allSettled([promise]);
  return result as PromiseSettledResult<T>;
}

/** The error a settled promise rejected with (fails the test if it resolved). */
export function rejection(result: PromiseSettledResult<unknown>): Error & { reason?: string } {
  if (result.status === 'fulfilled') throw new Error('expected a rejection, got a result');
  return result.reason as Error & { reason?: string };
}

/** Whether two byte arrays are equal (vitest's deep equality is slow on megabytes). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.compare(a, b) === 0;
}
