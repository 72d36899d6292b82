import {
  createMemoryLanePair,
  createMemorySink,
  createMemorySource,
  decodeTransferFrame,
  encodeTransferFrame,
  nobleSha256,
  runReceiver,
  runSender,
  type TransferLane,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import { bytesOf, KiB, sameBytes } from './support.js';

describe('a lane with writeParts', () => {
  it('gets each DATA frame as header + the chunk bytes read from the source (no copy), and the files arrive', async () => {
    const [a, b] = createMemoryLanePair({ kind: 'tls', maxFrameBytes: 4 * 1024 * KiB });
    const parts: (readonly Uint8Array[])[] = [];
    const whole: Uint8Array[] = [];
    // The sender's lane: parts are joined here (as a stream lane would put them on the wire one after the other).
    const lane: TransferLane = {
      kind: a.kind,
      maxFrameBytes: a.maxFrameBytes,
      write: (frame) => {
        whole.push(frame);
        return a.write(frame);
      },
      writeParts: (list) => {
        parts.push(list);
        const joined = new Uint8Array(list.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of list) {
          joined.set(p, at);
          at += p.length;
        }
        return a.write(joined);
      },
      onFrame: (listener) => a.onFrame(listener),
      onClose: (listener) => a.onClose(listener),
      close: () => a.close(),
    };
    const files = [{ path: 'a.bin', data: bytesOf(3 * 64 * KiB + 5, 3) }];
    const source = createMemorySource(files, { chunkSize: 64 * KiB });
    // Every chunk the source hands out, to check the DATA payload is that very array.
    const handedOut: Uint8Array[] = [];
    const readChunk = source.readChunk.bind(source);
    source.readChunk = async (i, c) => {
      const chunk = await readChunk(i, c);
      handedOut.push(chunk);
      return chunk;
    };
    const sink = createMemorySink();
    const [sent, received] = await Promise.allSettled([
      runSender({ lane, source }),
      runReceiver({ lane: b, sink, sha256: nobleSha256, decide: () => true }),
    ]);
    if (sent.status === 'rejected') throw sent.reason;
    if (received.status === 'rejected') throw received.reason;
    expect(sameBytes(sink.final.get('a.bin'), files[0]?.data)).toBe(true);
    expect(parts).toHaveLength(4);
    for (const [n, list] of parts.entries()) {
      expect(list).toHaveLength(2);
      // A view of the very array the source returned, all of it.
      expect(list[1]?.buffer).toBe(handedOut[n]?.buffer);
      expect(list[1]?.byteOffset).toBe(handedOut[n]?.byteOffset);
      expect(list[1]?.length).toBe(handedOut[n]?.length);
      const joined = new Uint8Array([...(list[0] as Uint8Array), ...(list[1] as Uint8Array)]);
      const frame = decodeTransferFrame(joined);
      expect(frame).toMatchObject({ type: 'data', fileIndex: 0, chunkIndex: n, offset: 0 });
      expect(encodeTransferFrame(frame)).toEqual(joined);
    }
    // Nothing else went through writeParts; no DATA went through write.
    expect(whole.map((f) => decodeTransferFrame(f).type)).not.toContain('data');
  });
});
