import { ByteWriter } from '@lanrtc/signal-core/codec';
import {
  type ChunkDigest,
  createMemoryLanePair,
  createMemorySink,
  createMemorySource,
  encodeManifest,
  type FileSource,
  nobleSha256,
  runReceiver,
  runSender,
  splitPayload,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import { bytesOf, KiB, rawPeer, rejection, sameBytes, settle, transfer } from './support.js';

const CHUNK = 64 * KiB;

describe('transfer engines against hostile or failing peers', () => {
  // A one-shot digest that answers on a later task, as one on another thread does.
  const laterDigest: ChunkDigest = (bytes) =>
    new Promise((resolve) => {
      const hash = nobleSha256();
      hash.update(bytes);
      const digest = hash.digest();
      setTimeout(() => resolve(digest), 1);
    });

  it.each([
    ['hashed as it arrives', undefined],
    ['hashed off the thread (chunkDigest)', laterDigest],
  ])(
    'a chunk with a wrong hash (%s): ChunkVerificationError, it and later chunks never written',
    async (_, chunkDigest) => {
      const honest = createMemorySource([{ path: 'x.bin', data: bytesOf(4 * CHUNK, 3) }], {
        chunkSize: CHUNK,
      });
      const lying: FileSource = {
        manifest: honest.manifest,
        async readChunk(f, c) {
          const data = await honest.readChunk(f, c);
          if (c === 2) data[100] = (data[100] as number) ^ 1;
          return data;
        },
        close: () => honest.close(),
      };
      const { sink, sent, received } = await transfer({
        files: [],
        source: lying as never,
        receiver: { chunkDigest },
      });
      expect(rejection(received).name).toBe('ChunkVerificationError');
      const senderError = rejection(sent);
      expect(senderError.name).toBe('TransferAbortedError');
      expect(senderError.reason).toBe('ChunkVerificationError');
      expect(sink.writes.filter(([, c]) => c >= 2)).toEqual([]);
      expect(sink.final.has('x.bin')).toBe(false);
    },
  );

  it('a file whose chunks match but whole-file hash does not: FileVerificationError, no final name', async () => {
    const honest = createMemorySource([{ path: 'x.bin', data: bytesOf(2 * CHUNK, 4) }], { chunkSize: CHUNK });
    const file = honest.manifest.files[0] as (typeof honest.manifest.files)[number];
    const lying: FileSource = {
      ...honest,
      manifest: { ...honest.manifest, files: [{ ...file, fileHash: new Uint8Array(32) }] },
      readChunk: (f, c) => honest.readChunk(f, c),
    };
    const { sink, sent, received } = await transfer({ files: [], source: lying as never });
    expect(rejection(received).name).toBe('FileVerificationError');
    expect(rejection(sent).reason).toBe('FileVerificationError');
    expect(sink.final.size).toBe(0);
  });

  it('a sender that stalls after the ACCEPT: the receiver fails with TransferStalledError after the timeout', async () => {
    const [a, b] = createMemoryLanePair();
    const sender = rawPeer(a);
    const source = createMemorySource([{ path: 'x', data: bytesOf(CHUNK, 5) }], { chunkSize: CHUNK });
    const started = Date.now();
    const receiving = settle(
      runReceiver({
        lane: b,
        sink: createMemorySink(),
        sha256: nobleSha256,
        decide: () => true,
        stallTimeoutMs: 200,
      }),
    );
    for (const piece of splitPayload(encodeManifest(source.manifest), a.maxFrameBytes))
      await sender.send({ type: 'offer', ...piece });
    await sender.next('accept');
    const error = rejection(await receiving);
    expect(error.name).toBe('TransferStalledError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await sender.next('abort')).reason).toBe('TransferStalledError');
    a.close();
  });

  it('a receiver that never answers the offer: the sender fails with TransferStalledError', async () => {
    const [a, b] = createMemoryLanePair();
    rawPeer(b);
    const source = createMemorySource([{ path: 'x', data: bytesOf(10, 5) }], { chunkSize: CHUNK });
    const error = rejection(await settle(runSender({ lane: a, source, stallTimeoutMs: 150 })));
    expect(error.name).toBe('TransferStalledError');
    a.close();
  });

  it('a peer deciding for longer than the stall timeout is kept alive by keepalives, not taken for stalled', async () => {
    const { sent, received, sink } = await transfer({
      files: [{ path: 'x', data: bytesOf(CHUNK + 1, 6) }],
      sender: { stallTimeoutMs: 400 },
      receiver: {
        stallTimeoutMs: 400,
        // Three stall timeouts of deciding: only the keepalives keep the sender waiting.
        decide: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 1200)),
      },
    });
    expect(sent.status).toBe('fulfilled');
    expect(received.status).toBe('fulfilled');
    expect(sameBytes(sink.final.get('x'), bytesOf(CHUNK + 1, 6))).toBe(true);
  });

  it('a declined offer: TransferDeclinedError (declined) on both sides, nothing written', async () => {
    const { sink, sent, received } = await transfer({
      files: [{ path: 'x', data: bytesOf(100, 7) }],
      receiver: { decide: () => false },
    });
    const error = rejection(sent);
    expect(error.name).toBe('TransferDeclinedError');
    expect(error.reason).toBe('declined');
    expect(error.message).toBe('the receiver declined the offer');
    expect(rejection(received).name).toBe('TransferDeclinedError');
    expect(sink.writes).toHaveLength(0);
    expect(sink.final.size).toBe(0);
  });

  it('a receiver busy with another transfer: declined as busy, said so at the sender', async () => {
    const { sink, sent, received } = await transfer({
      files: [{ path: 'x', data: bytesOf(100, 7) }],
      receiver: { decide: () => 'busy' },
    });
    const error = rejection(sent);
    expect(error.name).toBe('TransferDeclinedError');
    expect(error.reason).toBe('busy');
    expect(error.message).toBe(
      'the receiver declined the offer (busy): another transfer is in progress here',
    );
    expect(rejection(received).reason).toBe('busy');
    expect(sink.final.size).toBe(0);
  });

  it('an offer larger than the free space: declined as no-space, InsufficientSpaceError at the receiver', async () => {
    let asked = false;
    const { sent, received } = await transfer({
      files: [{ path: 'x', data: bytesOf(3 * CHUNK, 8) }],
      sink: { freeBytes: 2 * CHUNK },
      receiver: {
        decide: () => {
          asked = true;
          return true;
        },
      },
    });
    expect(rejection(sent).reason).toBe('no-space');
    expect(rejection(received).name).toBe('InsufficientSpaceError');
    expect(asked).toBe(false);
  });

  it.each([
    ['../outside', 'UnsafePathError', 'unsafe-path'],
    ['/etc/passwd', 'UnsafePathError', 'unsafe-path'],
  ])('an OFFER naming %s is declined before the sink or the user sees it', async (path, name, reason) => {
    const [a, b] = createMemoryLanePair();
    const sender = rawPeer(a);
    const sink = createMemorySink();
    let asked = false;
    const receiving = settle(
      runReceiver({
        lane: b,
        sink,
        sha256: nobleSha256,
        decide: () => {
          asked = true;
          return true;
        },
      }),
    );
    const h = new Uint8Array(32);
    const hostile = new ByteWriter().varuint(CHUNK).varuint(1).string(path).varuint(1).varuint(0).varuint(0);
    const bytes = hostile.raw(h).varuint(1).raw(h).finish();
    await sender.send({ type: 'offer', total: bytes.length, offset: 0, piece: bytes });
    expect(rejection(await receiving).name).toBe(name);
    expect((await sender.next('decline')).reason).toBe(reason);
    expect(asked).toBe(false);
    expect(sink.partial.size + sink.final.size).toBe(0);
    a.close();
  });

  it('an OFFER that does not decode is declined as invalid-manifest', async () => {
    const [a, b] = createMemoryLanePair();
    const sender = rawPeer(a);
    const receiving = settle(
      runReceiver({ lane: b, sink: createMemorySink(), sha256: nobleSha256, decide: () => true }),
    );
    await sender.send({ type: 'offer', total: 3, offset: 0, piece: new Uint8Array([1, 2, 3]) });
    expect(rejection(await receiving).name).toBe('InvalidManifestError');
    expect((await sender.next('decline')).reason).toBe('invalid-manifest');
    a.close();
  });

  it('a sender that ignores the window: TransferProtocolError, and the sender is told', async () => {
    const [a, b] = createMemoryLanePair({ highWaterBytes: 64 * 1024 * 1024 });
    const sender = rawPeer(a);
    const source = createMemorySource([{ path: 'x', data: bytesOf(8 * CHUNK, 9) }], { chunkSize: CHUNK });
    const sink = createMemorySink({ writeDelayMs: 50 });
    const receiving = settle(
      runReceiver({ lane: b, sink, sha256: nobleSha256, decide: () => true, windowBytes: 2 * CHUNK }),
    );
    const offer = encodeManifest(source.manifest);
    await sender.send({ type: 'offer', total: offer.length, offset: 0, piece: offer });
    await sender.next('accept');
    // Every chunk at once, never waiting for an ACK.
    for (let c = 0; c < 8; c++) {
      const data = await source.readChunk(0, c);
      for (let off = 0; off < CHUNK; off += 60_000)
        await sender.send({
          type: 'data',
          fileIndex: 0,
          chunkIndex: c,
          offset: off,
          bytes: data.subarray(off, off + 60_000),
        });
    }
    expect(rejection(await receiving).name).toBe('TransferProtocolError');
    expect((await sender.next('abort')).reason).toBe('TransferProtocolError');
    a.close();
  });

  it.each([
    ['DATA before ACCEPT', 'data'],
    ['DATA for a chunk not asked for', 'data-unasked'],
    ['DATA out of order within a chunk', 'data-gap'],
  ])('%s: TransferProtocolError', async (_, kind) => {
    const [a, b] = createMemoryLanePair();
    const sender = rawPeer(a);
    const source = createMemorySource([{ path: 'x', data: bytesOf(2 * CHUNK, 10) }], { chunkSize: CHUNK });
    const sink = createMemorySink({ partial: new Map([['x', (await source.readChunk(0, 0)).slice()]]) });
    const receiving = settle(runReceiver({ lane: b, sink, sha256: nobleSha256, decide: () => true }));
    const offer = encodeManifest(source.manifest);
    await sender.send({ type: 'offer', total: offer.length, offset: 0, piece: offer });
    const piece = new Uint8Array(10);
    if (kind === 'data')
      await sender.send({ type: 'data', fileIndex: 0, chunkIndex: 1, offset: 0, bytes: piece });
    else {
      await sender.next('accept');
      // Chunk 0 is held (the partial file has it): only chunk 1 was asked for.
      if (kind === 'data-unasked')
        await sender.send({ type: 'data', fileIndex: 0, chunkIndex: 0, offset: 0, bytes: piece });
      else {
        await sender.send({ type: 'data', fileIndex: 0, chunkIndex: 1, offset: 0, bytes: piece });
        await sender.send({ type: 'data', fileIndex: 0, chunkIndex: 1, offset: 20, bytes: piece });
      }
    }
    expect(rejection(await receiving).name).toBe('TransferProtocolError');
    a.close();
  });

  it('a receiver that acknowledges a chunk never sent: TransferProtocolError at the sender', async () => {
    const [a, b] = createMemoryLanePair();
    const receiver = rawPeer(b);
    const source = createMemorySource([{ path: 'x', data: bytesOf(CHUNK, 11) }], { chunkSize: CHUNK });
    const sending = settle(runSender({ lane: a, source }));
    await receiver.next('offer');
    await receiver.send({ type: 'ack', fileIndex: 0, chunkIndex: 5 });
    expect(rejection(await sending).name).toBe('TransferProtocolError');
    b.close();
  });

  it('the lane closing mid-transfer: TransportClosedError on both sides, the partial file kept for resume', async () => {
    const [a, b] = createMemoryLanePair();
    const source = createMemorySource([{ path: 'x', data: bytesOf(16 * CHUNK, 12) }], { chunkSize: CHUNK });
    const sink = createMemorySink({ writeDelayMs: 2 });
    const sending = settle(runSender({ lane: a, source }));
    const receiving = settle(
      runReceiver({
        lane: b,
        sink,
        sha256: nobleSha256,
        decide: () => true,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.doneBytes >= 4 * CHUNK) a.close();
        },
      }),
    );
    expect(rejection(await sending).name).toBe('TransportClosedError');
    expect(rejection(await receiving).name).toBe('TransportClosedError');
    expect(sink.final.size).toBe(0);
    expect(sink.partial.has('x')).toBe(true);
  });

  it('a source file changed mid-transfer: SourceChangedError at the sender, the receiver is told', async () => {
    const [a, b] = createMemoryLanePair();
    const source = createMemorySource([{ path: 'x', data: bytesOf(8 * CHUNK, 13) }], { chunkSize: CHUNK });
    const sending = settle(
      runSender({
        lane: a,
        source,
        windowBytes: 2 * CHUNK,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.doneBytes > 0) source.change(0, bytesOf(8 * CHUNK, 14));
        },
      }),
    );
    const receiving = settle(
      runReceiver({ lane: b, sink: createMemorySink(), sha256: nobleSha256, decide: () => true }),
    );
    expect(rejection(await sending).name).toBe('SourceChangedError');
    expect(rejection(await receiving).reason).toBe('SourceChangedError');
    a.close();
  });

  it('a frame of another version: UnsupportedVersionError, and the peer is told in version 1', async () => {
    const [a, b] = createMemoryLanePair();
    const sender = rawPeer(a);
    const receiving = settle(
      runReceiver({ lane: b, sink: createMemorySink(), sha256: nobleSha256, decide: () => true }),
    );
    await a.write(new Uint8Array([2, 5, 0, 0]));
    expect(rejection(await receiving).name).toBe('UnsupportedVersionError');
    expect((await sender.next('abort')).reason).toBe('UnsupportedVersionError');
    a.close();
  });

  it('an OFFER announcing more than the payload limit: refused before anything is allocated', async () => {
    const [a, b] = createMemoryLanePair();
    const sender = rawPeer(a);
    const receiving = settle(
      runReceiver({ lane: b, sink: createMemorySink(), sha256: nobleSha256, decide: () => true }),
    );
    const huge = new ByteWriter()
      .u8(1)
      .u8(5)
      .varuint(2 ** 40)
      .varuint(0)
      .raw(new Uint8Array(8))
      .finish();
    await a.write(huge);
    expect(rejection(await receiving).name).toBe('MalformedInputError');
    expect((await sender.next('abort')).reason).toBe('MalformedInputError');
    a.close();
  });

  it('a path that stops delivering mid-transfer: the receiver stalls, the sender hears why', async () => {
    const [a, b] = createMemoryLanePair();
    const source = createMemorySource([{ path: 'x', data: bytesOf(16 * CHUNK, 15) }], { chunkSize: CHUNK });
    const sink = createMemorySink({ writeDelayMs: 2 });
    const sending = settle(runSender({ lane: a, source, windowBytes: 2 * CHUNK, stallTimeoutMs: 5000 }));
    const receiving = settle(
      runReceiver({
        lane: b,
        sink,
        sha256: nobleSha256,
        decide: () => true,
        stallTimeoutMs: 200,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.doneBytes >= 2 * CHUNK) a.pause(); // the sender's frames stop arriving
        },
      }),
    );
    expect(rejection(await receiving).name).toBe('TransferStalledError');
    const error = rejection(await sending);
    expect(error.name).toBe('TransferAbortedError');
    expect(error.reason).toBe('TransferStalledError');
    expect(sink.final.size).toBe(0);
    a.close();
  });
});
