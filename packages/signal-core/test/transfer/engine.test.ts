import {
  createMemoryLanePair,
  createMemorySink,
  createMemorySource,
  decodeTransferFrame,
  type FileSource,
  nobleSha256,
  runReceiver,
  runSender,
  type TransferLane,
  type TransferProgress,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import { bytesOf, KiB, rejection, sameBytes, transfer } from './support.js';

describe('runSender / runReceiver over a memory lane', () => {
  it('moves files byte-identical and reports the result on both sides', async () => {
    const files = [
      { path: 'a.bin', data: bytesOf(200 * KiB + 17, 1) },
      { path: 'dir/empty', data: new Uint8Array(0) },
      { path: 'dir/sub/b.txt', data: bytesOf(64 * KiB, 2) },
    ];
    const { sink, sent, received } = await transfer({ files });
    if (sent.status === 'rejected') throw sent.reason;
    if (received.status === 'rejected') throw received.reason;
    expect(sent.status).toBe('fulfilled');
    expect(received.status).toBe('fulfilled');
    for (const file of files) expect(sameBytes(sink.final.get(file.path), file.data)).toBe(true);
    expect(sink.partial.size).toBe(0);
    const total = files.reduce((n, f) => n + f.data.length, 0);
    if (sent.status !== 'fulfilled' || received.status !== 'fulfilled') return;
    expect(sent.value.movedBytes).toBe(total);
    expect(received.value.movedBytes).toBe(total);
    expect(received.value.files.map((f) => f.finalPath)).toEqual(files.map((f) => f.path));
    expect(sent.value.lane).toBe('datachannel');
  });

  it('with a one-shot chunkDigest that answers later, files still arrive byte-identical', async () => {
    const files = [
      { path: 'a.bin', data: bytesOf(300 * KiB + 5, 7) },
      { path: 'b.bin', data: bytesOf(64 * KiB, 8) },
    ];
    let digests = 0;
    const chunkDigest = (bytes: Uint8Array) =>
      new Promise<Uint8Array>((resolve) => {
        const hash = nobleSha256();
        hash.update(bytes);
        const digest = hash.digest();
        digests += 1;
        setTimeout(() => resolve(digest), 1);
      });
    const { sink, sent, received } = await transfer({ files, receiver: { chunkDigest } });
    if (sent.status === 'rejected') throw sent.reason;
    if (received.status === 'rejected') throw received.reason;
    for (const file of files) expect(sameBytes(sink.final.get(file.path), file.data)).toBe(true);
    // Every chunk went through it: 5 of a.bin, 1 of b.bin.
    expect(digests).toBe(6);
  });

  it('with a MovingChunkDigest that takes the buffer (as a Web Worker transfer does), files arrive byte-identical', async () => {
    const files = [
      { path: 'a.bin', data: bytesOf(300 * KiB + 5, 7) },
      { path: 'b.bin', data: bytesOf(64 * KiB, 8) },
    ];
    let detached = 0;
    const chunkDigest = (bytes: Uint8Array) =>
      new Promise<{ digest: Uint8Array; bytes: Uint8Array }>((resolve) => {
        const { buffer, byteOffset, byteLength } = bytes;
        // Moving the buffer detaches the caller's view, as postMessage with a transfer list does.
        const moved = structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
        if (bytes.byteLength === 0) detached += 1;
        const back = new Uint8Array(moved, byteOffset, byteLength);
        const hash = nobleSha256();
        hash.update(back);
        const digest = hash.digest();
        setTimeout(() => resolve({ digest, bytes: back }), 1);
      });
    const { sink, sent, received } = await transfer({ files, receiver: { chunkDigest } });
    if (sent.status === 'rejected') throw sent.reason;
    if (received.status === 'rejected') throw received.reason;
    expect(detached).toBe(6);
    for (const file of files) expect(sameBytes(sink.final.get(file.path), file.data)).toBe(true);
  });

  it('never gives a lane back memory a MovingChunkDigest took away and returned', async () => {
    const files = [{ path: 'a.bin', data: bytesOf(2 * 64 * KiB, 12) }];
    const released: Uint8Array[] = [];
    // 256 KiB frames: each chunk arrives whole in one frame, which the lane could take back.
    const [a, b] = createMemoryLanePair({ maxFrameBytes: 256 * KiB });
    const lane: TransferLane = {
      ...b,
      kind: b.kind,
      maxFrameBytes: b.maxFrameBytes,
      release: (v) => released.push(v),
    };
    const chunkDigest = async (bytes: Uint8Array) => {
      const { buffer, byteOffset, byteLength } = bytes;
      const back = new Uint8Array(
        structuredClone(buffer, { transfer: [buffer as ArrayBuffer] }),
        byteOffset,
        byteLength,
      );
      const hash = nobleSha256();
      hash.update(back);
      return { digest: hash.digest(), bytes: back };
    };
    const sink = createMemorySink();
    const [sent, received] = await Promise.allSettled([
      runSender({ lane: a, source: createMemorySource(files, { chunkSize: 64 * KiB }) }),
      runReceiver({ lane, sink, sha256: nobleSha256, decide: () => true, chunkDigest }),
    ]);
    a.close();
    b.close();
    if (sent.status === 'rejected') throw sent.reason;
    if (received.status === 'rejected') throw received.reason;
    expect(sameBytes(sink.final.get('a.bin'), files[0]?.data)).toBe(true);
    expect(released).toEqual([]);
  });

  it('gives the source back each chunk\u2019s bytes once, only after the receiver acknowledged it', async () => {
    const files = [
      { path: 'a.bin', data: bytesOf(3 * 64 * KiB + 9, 10) },
      { path: 'b.bin', data: bytesOf(64 * KiB, 11) },
    ];
    const log: string[] = [];
    const honest = createMemorySource(files, { chunkSize: 64 * KiB });
    const read = new Map<Uint8Array, string>();
    const source: FileSource = {
      manifest: honest.manifest,
      async readChunk(f, c) {
        const bytes = await honest.readChunk(f, c);
        read.set(bytes, `${f}/${c}`);
        return bytes;
      },
      release(bytes) {
        log.push(`release ${read.get(bytes) ?? 'unknown'}`);
      },
      close: () => honest.close(),
    };
    const sink = createMemorySink();
    const writeChunk = sink.writeChunk.bind(sink);
    sink.writeChunk = async (f, c, data) => {
      await writeChunk(f, c, data);
      log.push(`write ${f}/${c}`);
    };
    const { sent, received } = await transfer({ files: [], source: source as never, receiver: { sink } });
    if (sent.status === 'rejected') throw sent.reason;
    if (received.status === 'rejected') throw received.reason;
    const keys = ['0/0', '0/1', '0/2', '0/3', '1/0'];
    expect(log.filter((e) => e.startsWith('release')).sort()).toEqual(keys.map((k) => `release ${k}`));
    for (const key of keys)
      expect(log.indexOf(`release ${key}`)).toBeGreaterThan(log.indexOf(`write ${key}`));
  });

  it('gives a lane back each chunk frame only after the sink wrote it, and never a buffer of its own', async () => {
    const files = [{ path: 'a.bin', data: bytesOf(3 * 64 * KiB, 9) }];
    const log: string[] = [];
    const released: Uint8Array[] = [];
    const frames = new Set<ArrayBufferLike>();
    // Frames of 256 KiB carry a 64 KiB chunk whole: the receiver keeps a view into each.
    const [a, b] = createMemoryLanePair({ maxFrameBytes: 256 * KiB });
    const lane: TransferLane = {
      ...b,
      kind: b.kind,
      maxFrameBytes: b.maxFrameBytes,
      onFrame: (listener) =>
        b.onFrame((frame) => {
          frames.add(frame.buffer);
          listener(frame);
        }),
      release(view) {
        log.push(`release ${released.length}`);
        released.push(view);
      },
    };
    const sink = createMemorySink();
    const writeChunk = sink.writeChunk.bind(sink);
    sink.writeChunk = async (f, c, data) => {
      await writeChunk(f, c, data);
      log.push(`write ${c}`);
    };
    const source = createMemorySource(files, { chunkSize: 64 * KiB });
    const [sent, received] = await Promise.allSettled([
      runSender({ lane: a, source }),
      runReceiver({ lane, sink, sha256: nobleSha256, decide: () => true }),
    ]);
    a.close();
    b.close();
    if (sent.status === 'rejected') throw sent.reason;
    if (received.status === 'rejected') throw received.reason;
    expect(sameBytes(sink.final.get('a.bin'), files[0]?.data)).toBe(true);
    expect(log).toEqual(['write 0', 'release 0', 'write 1', 'release 1', 'write 2', 'release 2']);
    for (const view of released) expect(frames.has(view.buffer)).toBe(true);

    // Chunks larger than a frame are put together in the receiver's own memory: nothing to give back.
    released.length = 0;
    const [c, d] = createMemoryLanePair();
    const small: TransferLane = {
      ...d,
      kind: d.kind,
      maxFrameBytes: d.maxFrameBytes,
      release: (v) => released.push(v),
    };
    const [sent2, received2] = await Promise.allSettled([
      runSender({ lane: c, source: createMemorySource(files, { chunkSize: 64 * KiB }) }),
      runReceiver({ lane: small, sink: createMemorySink(), sha256: nobleSha256, decide: () => true }),
    ]);
    c.close();
    d.close();
    if (sent2.status === 'rejected') throw sent2.reason;
    if (received2.status === 'rejected') throw received2.reason;
    expect(released).toEqual([]);
  });
});

const CHUNK = 64 * KiB;

describe('resume', () => {
  it('moves only the chunks the receiver does not hold, and counts the held ones', async () => {
    const data = bytesOf(10 * CHUNK - 5, 21);
    const partial = data.slice(0, 6 * CHUNK);
    partial[3 * CHUNK + 9] = (partial[3 * CHUNK + 9] as number) ^ 0x40; // a chunk corrupted on disk
    const { source, sink, sent, received } = await transfer({
      files: [{ path: 'big.bin', data }],
      sink: { partial: new Map([['big.bin', partial]]) },
    });
    if (sent.status === 'rejected') throw sent.reason;
    if (received.status === 'rejected') throw received.reason;
    expect(sameBytes(sink.final.get('big.bin'), data)).toBe(true);
    // Chunks 0-2 and 4-5 were held; 3 (corrupted) and 6-9 (missing) moved.
    expect(source.reads.map(([, c]) => c)).toEqual([3, 6, 7, 8, 9]);
    expect(sink.writes.map(([, c]) => c)).toEqual([3, 6, 7, 8, 9]);
    const moved = 4 * CHUNK + (CHUNK - 5);
    expect(sent.value.movedBytes).toBe(moved);
    expect(sent.value.heldBytes).toBe(5 * CHUNK);
    expect(received.value.movedBytes).toBe(moved);
    expect(received.value.heldBytes).toBe(5 * CHUNK);
  });

  it('a file already complete at the receiver moves nothing and is reported held; the offer says so', async () => {
    const same = bytesOf(3 * CHUNK, 22);
    const other = bytesOf(CHUNK, 23);
    let offered: { heldBytes: number; totalBytes: number } | undefined;
    const { source, sink, sent, received } = await transfer({
      files: [
        { path: 'same', data: same },
        { path: 'other', data: other },
      ],
      sink: {
        final: new Map([
          ['same', same.slice()],
          ['other', bytesOf(CHUNK, 99)],
        ]),
      },
      receiver: {
        decide: (offer) => {
          offered = offer;
          return true;
        },
      },
    });
    if (sent.status === 'rejected') throw sent.reason;
    if (received.status === 'rejected') throw received.reason;
    expect(offered).toMatchObject({ heldBytes: 3 * CHUNK, totalBytes: 4 * CHUNK });
    expect(source.reads).toEqual([[1, 0]]);
    expect(sent.value.files.map((f) => f.state)).toEqual(['held', 'received']);
    expect(received.value.files.map((f) => f.state)).toEqual(['held', 'received']);
    // A different file already under the name is kept; the new one gets another name.
    expect(received.value.files[1]?.finalPath).toBe('other (1)');
    expect(sameBytes(sink.final.get('other (1)'), other)).toBe(true);
    expect(sameBytes(sink.final.get('other'), bytesOf(CHUNK, 99))).toBe(true);
  });

  it('a second run after a cancelled one moves only what the first did not store', async () => {
    const data = bytesOf(32 * CHUNK, 24);
    const files = [{ path: 'f', data }];
    const first = new AbortController();
    const run1 = await transfer({
      files,
      sink: { writeDelayMs: 1 },
      sender: {
        signal: first.signal,
        windowBytes: 2 * CHUNK,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.doneBytes >= 12 * CHUNK) first.abort();
        },
      },
    });
    expect(rejection(run1.sent).name).toBe('TransferCancelledError');
    const receiverError = rejection(run1.received);
    expect(receiverError.name).toBe('TransferAbortedError');
    expect(receiverError.reason).toBe('TransferCancelledError');
    const held = run1.sink.partial.get('f') as Uint8Array;
    const run2 = await transfer({ files, sink: { partial: new Map([['f', held]]) } });
    if (run2.sent.status === 'rejected') throw run2.sent.reason;
    expect(sameBytes(run2.sink.final.get('f'), data)).toBe(true);
    const storedFirst = run1.sink.writes.length * CHUNK;
    expect(run2.sent.value.heldBytes).toBe(storedFirst);
    expect(run2.sent.value.movedBytes).toBe(data.length - storedFirst);
    expect(storedFirst).toBeGreaterThanOrEqual(12 * CHUNK);
  });
});

describe('flow control', () => {
  it('never has more unacknowledged chunk bytes on the wire than the window, and fills it', async () => {
    const window = 4 * CHUNK;
    const data = bytesOf(40 * CHUNK, 25);
    const [a, b] = createMemoryLanePair({ highWaterBytes: 64 * 1024 * 1024 });
    let delivered = 0;
    let acked = 0;
    let peak = 0;
    // Listen beside the engines: DATA reaching the receiver, ACKs reaching the sender.
    b.onFrame((bytes) => {
      const frame = decodeTransferFrame(bytes);
      if (frame.type === 'data') delivered += frame.bytes.length;
      peak = Math.max(peak, delivered - acked);
    });
    a.onFrame((bytes) => {
      if (decodeTransferFrame(bytes).type === 'ack') acked += CHUNK;
    });
    const source = createMemorySource([{ path: 'f', data }], { chunkSize: CHUNK });
    const sink = createMemorySink({ writeDelayMs: 3 });
    const [sent, received] = await Promise.allSettled([
      runSender({ lane: a, source }),
      runReceiver({ lane: b, sink, sha256: nobleSha256, decide: () => true, windowBytes: window }),
    ]);
    expect(sent.status).toBe('fulfilled');
    expect(received.status).toBe('fulfilled');
    expect(peak).toBeLessThanOrEqual(window);
    expect(peak).toBeGreaterThan(window - CHUNK);
    expect(sameBytes(sink.final.get('f'), data)).toBe(true);
  });

  it('the sender keeps to its own window when it is smaller than the receiver’s', async () => {
    const [a, b] = createMemoryLanePair({ highWaterBytes: 64 * 1024 * 1024 });
    let inFlight = 0;
    let peak = 0;
    b.onFrame((bytes) => {
      const frame = decodeTransferFrame(bytes);
      if (frame.type !== 'data') return;
      inFlight += frame.bytes.length;
      peak = Math.max(peak, inFlight);
    });
    a.onFrame((bytes) => {
      if (decodeTransferFrame(bytes).type === 'ack') inFlight -= CHUNK;
    });
    const source = createMemorySource([{ path: 'f', data: bytesOf(12 * CHUNK, 26) }], { chunkSize: CHUNK });
    const [sent] = await Promise.allSettled([
      runSender({ lane: a, source, windowBytes: 2 * CHUNK }),
      runReceiver({
        lane: b,
        sink: createMemorySink({ writeDelayMs: 2 }),
        sha256: nobleSha256,
        decide: () => true,
      }),
    ]);
    expect(sent.status).toBe('fulfilled');
    expect(peak).toBeLessThanOrEqual(2 * CHUNK);
  });
});

describe('cancellation', () => {
  it('the receiver cancelling: TransferCancelledError there, TransferAbortedError at the sender, no final file', async () => {
    const controller = new AbortController();
    const { sink, sent, received } = await transfer({
      files: [{ path: 'f', data: bytesOf(16 * CHUNK, 27) }],
      sink: { writeDelayMs: 2 },
      receiver: {
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.doneBytes >= 2 * CHUNK) controller.abort();
        },
      },
    });
    expect(rejection(received).name).toBe('TransferCancelledError');
    expect(rejection(sent).reason).toBe('TransferCancelledError');
    expect(sink.final.size).toBe(0);
  });

  it('no sink call happens after the receiver settled (the caller may close the sink at once)', async () => {
    const controller = new AbortController();
    const [a, b] = createMemoryLanePair();
    const source = createMemorySource([{ path: 'f', data: bytesOf(32 * CHUNK, 31) }], { chunkSize: CHUNK });
    const sink = createMemorySink({ writeDelayMs: 20 });
    const sending = runSender({ lane: a, source }).catch(() => undefined);
    const received = await Promise.allSettled([
      runReceiver({
        lane: b,
        sink,
        sha256: nobleSha256,
        decide: () => true,
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.doneBytes >= CHUNK) controller.abort();
        },
      }),
    ]);
    expect(rejection(received[0] as PromiseSettledResult<unknown>).name).toBe('TransferCancelledError');
    const writesAtSettle = sink.writes.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.writes.length).toBe(writesAtSettle);
    await sending;
    a.close();
    b.close();
  });

  it('a signal aborted before the start fails at once', async () => {
    const { sent } = await transfer({
      files: [{ path: 'f', data: bytesOf(10, 28) }],
      sender: { signal: AbortSignal.abort() },
    });
    expect(rejection(sent).name).toBe('TransferCancelledError');
  });
});

describe('progress', () => {
  it('reports growing done bytes, per-file states, and ends at the total', async () => {
    const snapshots: TransferProgress[] = [];
    const files = [
      { path: 'a', data: bytesOf(3 * CHUNK, 29) },
      { path: 'b', data: bytesOf(2 * CHUNK, 30) },
    ];
    const { sent } = await transfer({
      files,
      sink: { writeDelayMs: 2 },
      sender: { windowBytes: CHUNK, progressIntervalMs: 0, onProgress: (p) => snapshots.push(p) },
    });
    expect(sent.status).toBe('fulfilled');
    const done = snapshots.map((p) => p.doneBytes);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    const last = snapshots[snapshots.length - 1] as TransferProgress;
    expect(last.doneBytes).toBe(5 * CHUNK);
    expect(last.files.map((f) => f.state)).toEqual(['done', 'done']);
    expect(last.etaMs).toBe(0);
    expect(snapshots.some((p) => p.files[0]?.state === 'moving' && p.files[1]?.state === 'waiting')).toBe(
      true,
    );
    expect(snapshots.some((p) => p.bytesPerSecond > 0)).toBe(true);
  });
});
