/**
 * The Node source and sink under signal-core's real engines over an in-memory lane (no network):
 * a tree arrives byte-identical; a receiver stopped at ~50 % resumes and moves the other half only;
 * a byte flipped in the partial file meanwhile is detected and that chunk fetched again; a file
 * that changed at the sender since the first attempt moves again.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMemoryLanePair,
  type FileSink,
  type FileSource,
  runReceiver,
  runSender,
  type TransferProgress,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import { createFsSink } from '../../src/transfer/fs-sink.js';
import { createFsSource } from '../../src/transfer/fs-source.js';
import { nodeSha256 } from '../../src/transfer/node-sha256.js';
import { bytes, expectSameBytes, flipByte, tempDir } from './fs-support.js';

const MiB = 1024 * 1024;

/** Both engines over a fresh memory lane; the receiver is cancelled once `stopAt` of the bytes are done. */
async function move(source: FileSource, sink: FileSink, stopAt?: number) {
  const [a, b] = createMemoryLanePair({ maxFrameBytes: 64 * 1024 });
  const stop = new AbortController();
  const onProgress = (p: TransferProgress) => {
    if (stopAt !== undefined && p.doneBytes - p.heldBytes >= stopAt * p.totalBytes) stop.abort();
  };
  const [sent, received] = await Promise.allSettled([
    runSender({ lane: a, source }),
    runReceiver({
      lane: b,
      sink,
      sha256: nodeSha256,
      decide: () => true,
      signal: stop.signal,
      onProgress,
      progressIntervalMs: 0,
    }),
  ]);
  a.close();
  b.close();
  await sink.close();
  return { sent, received };
}

function tree(): string {
  const root = join(tempDir(), 'album');
  mkdirSync(join(root, 'raw'), { recursive: true });
  writeFileSync(join(root, 'raw', 'one.bin'), bytes(6 * MiB + 5, 1));
  writeFileSync(join(root, 'raw', 'two.bin'), bytes(3 * MiB, 2));
  writeFileSync(join(root, 'index.txt'), 'two files\n');
  return root;
}

describe('Node files through the transfer engines', () => {
  it('move a tree byte-identical', { timeout: 60_000 }, async () => {
    const from = tree();
    const to = tempDir();
    const source = await createFsSource([from]);
    const { sent, received } = await move(source, createFsSink({ dir: to }));
    await source.close();
    expect(sent.status).toBe('fulfilled');
    expect(received.status === 'fulfilled' && received.value.movedBytes).toBe(9 * MiB + 5 + 10);
    for (const f of source.manifest.files)
      expectSameBytes(readFileSync(join(to, f.path)), readFileSync(join(from, '..', f.path)));
  });

  it('resume after a stop at ~50 % moves the rest only; a flipped byte and a changed file move again', {
    timeout: 60_000,
  }, async () => {
    const from = tree();
    const to = tempDir();
    const total = 9 * MiB + 5 + 10;
    const first = await createFsSource([from]);
    const cut = await move(first, createFsSink({ dir: to }), 0.5);
    await first.close();
    expect(cut.received).toMatchObject({ status: 'rejected', reason: { name: 'TransferCancelledError' } });
    expect(cut.sent).toMatchObject({ status: 'rejected', reason: { name: 'TransferAbortedError' } });

    // What the second attempt will hold: the partial file's verified chunks.
    const probe = createFsSink({ dir: to });
    const held = await probe.prepare(first.manifest);
    await probe.close();
    const heldBytes = held.reduce((sum, h, i) => {
      const file = first.manifest.files[i];
      if (!file) return sum;
      if (h.state === 'complete') return sum + file.size;
      return sum + [...h.verifiedChunks].reduce((s, c) => s + Math.min(MiB, file.size - c * MiB), 0);
    }, 0);
    expect(heldBytes).toBeGreaterThanOrEqual(0.45 * total);

    const again = await createFsSource([from]);
    const resumed = await move(again, createFsSink({ dir: to }));
    await again.close();
    expect(resumed.sent.status).toBe('fulfilled');
    if (resumed.received.status !== 'fulfilled') throw resumed.received.reason;
    expect(resumed.received.value.movedBytes).toBe(total - heldBytes);
    expect(resumed.received.value.movedBytes).toBeLessThan(0.55 * total);
    for (const f of again.manifest.files)
      expectSameBytes(readFileSync(join(to, f.path)), readFileSync(join(from, '..', f.path)));

    // Third round: one.bin changed at the sender since, and a byte of the received two.bin rotted.
    // Neither matches what is here any more: both arrive again, beside the files already there.
    appendFileSync(join(from, 'raw', 'one.bin'), 'x');
    flipByte(join(to, 'album', 'raw', 'two.bin'), 0);
    const third = await createFsSource([from]);
    const changed = await move(third, createFsSink({ dir: to }));
    await third.close();
    if (changed.received.status !== 'fulfilled') throw changed.received.reason;
    expect(
      changed.received.value.files.map((f) => [f.path, f.state, f.finalPath?.slice(to.length + 1)]),
    ).toEqual([
      ['album/index.txt', 'held', undefined],
      ['album/raw/one.bin', 'received', 'album/raw/one (1).bin'],
      ['album/raw/two.bin', 'received', 'album/raw/two (1).bin'],
    ]);
  });

  it('a byte flipped in the partial file is detected and its chunk fetched again', {
    timeout: 60_000,
  }, async () => {
    const from = tree();
    const to = tempDir();
    const first = await createFsSource([from]);
    await move(first, createFsSink({ dir: to }), 0.5);
    await first.close();
    const part = join(to, 'album', 'raw', '.one.bin.lanrtc-part');
    const before = createFsSink({ dir: to });
    const held = (await before.prepare(first.manifest))[1];
    await before.close();
    expect(held?.verifiedChunks.has(1)).toBe(true);
    flipByte(part, MiB + 4242);
    const after = createFsSink({ dir: to });
    const rehashed = (await after.prepare(first.manifest))[1];
    await after.close();
    expect([...(held?.verifiedChunks ?? [])].filter((c) => !rehashed?.verifiedChunks.has(c))).toEqual([1]);

    const again = await createFsSource([from]);
    const resumed = await move(again, createFsSink({ dir: to }));
    await again.close();
    if (resumed.received.status !== 'fulfilled') throw resumed.received.reason;
    expectSameBytes(
      readFileSync(join(to, 'album', 'raw', 'one.bin')),
      readFileSync(join(from, 'raw', 'one.bin')),
    );
  });
});
