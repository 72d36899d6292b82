/** Shared helpers of the transfer tests: deterministic bytes and a sender/receiver pair over a memory lane. */
import {
  createMemoryLanePair,
  createMemorySink,
  createMemorySource,
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
