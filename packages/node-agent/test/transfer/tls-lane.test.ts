/**
 * The TLS 1.3 transfer lane on loopback: frames round-trip, only the pinned certificates and the
 * right token get a lane (the listener keeps waiting past every refusal), bad framing closes with a
 * typed error, writes wait for a peer that does not read, and nothing stays open afterwards.
 */
import { createServer as createTcpServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { type LanrtcError, MalformedInputError } from '@lanrtc/signal-core';
import type { TransferLane } from '@lanrtc/signal-core/transfer';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  certificateFingerprint,
  connectTlsLane,
  createDtlsCertificate,
  type DtlsCertificate,
  listenTlsLane,
  MAX_STREAM_FRAME_BYTES,
  type TlsLaneEndpoint,
  type TlsLaneListener,
} from '../../src/index.js';
import {
  activeHandles,
  collect,
  handlesBackTo,
  randomFrames,
  rawTlsClient,
  readBytes,
  settle,
  sha256,
  socketClosed,
} from './support.js';

const MiB = 1024 * 1024;
let receiverCert: DtlsCertificate;
let senderCert: DtlsCertificate;
let foreignCert: DtlsCertificate;

beforeAll(async () => {
  [receiverCert, senderCert, foreignCert] = await Promise.all([
    createDtlsCertificate(),
    createDtlsCertificate(),
    createDtlsCertificate(),
  ]);
});

// Every test must give back every socket, server and timer it opened.
let baseline = 0;
const cleanups: (() => void)[] = [];
beforeEach(async () => {
  await settle(20);
  baseline = activeHandles();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  expect(await handlesBackTo(baseline)).toBeLessThanOrEqual(baseline);
});

/** The receiver's listener, pinned to the sender's certificate. */
async function listen(init: { tokenTimeoutMs?: number } = {}): Promise<TlsLaneListener> {
  const listener = await listenTlsLane({
    certificate: receiverCert,
    remoteFingerprint: certificateFingerprint(senderCert),
    addresses: ['127.0.0.1'],
    ...init,
  });
  cleanups.push(() => listener.close());
  return listener;
}

/** The sender's side of the lane to `listener`. */
async function connectTo(listener: TlsLaneListener, certificate = senderCert): Promise<TransferLane> {
  const lane = await connectTlsLane({
    certificate,
    remoteFingerprint: certificateFingerprint(receiverCert),
    endpoints: listener.endpoints,
    token: listener.token,
  });
  cleanups.push(() => lane.close());
  return lane;
}

/** Sender and receiver lanes, connected. */
async function openPair(): Promise<{
  sender: TransferLane;
  receiver: TransferLane;
  listener: TlsLaneListener;
}> {
  const listener = await listen();
  const sender = await connectTo(listener);
  const receiver = await listener.accepted;
  cleanups.push(() => receiver.close());
  return { sender, receiver, listener };
}

function endpoint(listener: TlsLaneListener): TlsLaneEndpoint {
  const first = listener.endpoints[0];
  if (!first) throw new Error('listener has no endpoint');
  return first;
}

function refusals(listener: TlsLaneListener): string[] {
  const names: string[] = [];
  listener.onRefused((error: LanrtcError) => names.push(error.name));
  return names;
}

describe('TLS lane', () => {
  it('carries many frames both ways, 4 MiB ones included, in order and intact', async () => {
    const { sender, receiver, listener } = await openPair();
    expect(listener.endpoints).toHaveLength(1);
    expect(listener.endpoints[0]?.address).toBe('127.0.0.1');
    expect(listener.endpoints[0]?.port).toBeGreaterThan(0);
    expect(sender.kind).toBe('tls');
    expect(receiver.maxFrameBytes).toBe(4 * MiB);

    const sizes = [1, 2, 3, 4, 5, 65_536, 65_539, MAX_STREAM_FRAME_BYTES, 1];
    for (let i = 0; i < 40; i++) sizes.push(MiB + i * 4099);
    sizes.push(MAX_STREAM_FRAME_BYTES, MAX_STREAM_FRAME_BYTES - 1, 17);
    const forward = randomFrames(sizes);
    const back = randomFrames([3, MAX_STREAM_FRAME_BYTES, 100_000, 1]);

    const atReceiver = collect(receiver);
    const atSender = collect(sender);
    await Promise.all([
      (async () => {
        for (const frame of forward) await sender.write(frame);
      })(),
      (async () => {
        for (const frame of back) await receiver.write(frame);
      })(),
    ]);
    await Promise.all([atReceiver.frames(forward.length), atSender.frames(back.length)]);
    expect(atReceiver.hashes).toEqual(forward.map(sha256));
    expect(atSender.hashes).toEqual(back.map(sha256));

    sender.close();
    // An orderly close on one side is an orderly close, without an error, on the other.
    expect(await atReceiver.closed).toBeUndefined();
    expect(await atSender.closed).toBeUndefined();
    await expect(receiver.write(new Uint8Array(1))).rejects.toMatchObject({ name: 'TransportClosedError' });
  });

  it('a frame listener that throws closes the lane with its error; a close listener that throws is contained', async () => {
    const { sender, receiver } = await openPair();
    const bug = new Error('listener bug');
    receiver.onClose(() => {
      throw new Error('close listener bug');
    });
    const closed = new Promise<Error | undefined>((r) => receiver.onClose(r));
    receiver.onFrame(() => {
      throw bug;
    });
    await sender.write(Uint8Array.of(1));
    expect(await closed).toBe(bug);
    // The sender sees its lane end (TLS gives it no way to tell why: the protocol's ABORT says that).
    await new Promise<Error | undefined>((r) => sender.onClose(r));
    await expect(sender.write(Uint8Array.of(2))).rejects.toMatchObject({ name: 'TransportClosedError' });
  });

  it('writeParts sends the parts as one frame, small and large, in order with plain writes', async () => {
    const { sender, receiver } = await openPair();
    const writeParts = sender.writeParts;
    if (!writeParts) throw new Error('the TLS lane has no writeParts');
    const lists = [
      randomFrames([3, 10]),
      randomFrames([12, MiB]),
      randomFrames([1, 2, 65_536 - 3]),
      randomFrames([9, MAX_STREAM_FRAME_BYTES - 9]),
      randomFrames([65_536, 65_536]),
    ];
    const joined = lists.map((parts) => Buffer.concat(parts));
    const plain = randomFrames([5, 2 * MiB]);
    const atReceiver = collect(receiver);
    for (const [n, parts] of lists.entries()) {
      await writeParts(parts);
      const frame = plain[n];
      if (frame) await sender.write(frame);
    }
    const expected = [joined[0], plain[0], joined[1], plain[1], ...joined.slice(2)] as Uint8Array[];
    await atReceiver.frames(expected.length);
    expect(atReceiver.hashes).toEqual(expected.map(sha256));
    for (const parts of [[], [new Uint8Array(0)], randomFrames([MAX_STREAM_FRAME_BYTES, 1])]) {
      await expect(writeParts(parts)).rejects.toMatchObject({ name: 'InvalidArgumentError' });
    }
  });

  it('refuses an empty frame and one over 4 MiB on write', async () => {
    const { sender } = await openPair();
    for (const size of [0, MAX_STREAM_FRAME_BYTES + 1]) {
      await expect(sender.write(new Uint8Array(size))).rejects.toMatchObject({
        name: 'InvalidArgumentError',
      });
    }
  });

  it('the listener refuses a client with a foreign certificate, and keeps waiting for the pinned one', async () => {
    const listener = await listen();
    const reasons = refusals(listener);
    await expect(connectTo(listener, foreignCert)).rejects.toMatchObject({ name: 'TlsLaneRefusedError' });
    await settle(20);
    expect(reasons).toEqual(['CertificatePinMismatchError']);
    expect(listener.refused).toBe(1);

    const sender = await connectTo(listener);
    const receiver = await listener.accepted;
    cleanups.push(() => receiver.close());
    const got = collect(receiver);
    await sender.write(Uint8Array.of(7, 7, 7));
    await got.frames(1);
    expect(got.hashes).toEqual([sha256(Uint8Array.of(7, 7, 7))]);
  });

  it('the client refuses a server with a foreign certificate before sending it the token', async () => {
    const received: Buffer[] = [];
    let serverSocketClosed: Promise<void> | undefined;
    const impostor = createTlsServer(
      {
        cert: foreignCert.certPem,
        key: foreignCert.keyPem,
        minVersion: 'TLSv1.3',
        requestCert: true,
        rejectUnauthorized: false,
      },
      (socket) => {
        serverSocketClosed = socketClosed(socket);
        socket.on('data', (chunk: Buffer) => received.push(chunk));
        socket.on('error', () => {});
      },
    );
    await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
    cleanups.push(() => impostor.close());
    const address = impostor.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const token = new Uint8Array(32).fill(0xab);

    const attempt = connectTlsLane({
      certificate: senderCert,
      remoteFingerprint: certificateFingerprint(receiverCert),
      endpoints: [{ address: '127.0.0.1', port: address.port }],
      token,
    });
    await expect(attempt).rejects.toMatchObject({ name: 'CertificatePinMismatchError' });
    await serverSocketClosed;
    expect(Buffer.concat(received).length).toBe(0);
  });

  it('drops a client with a wrong token and still accepts the right one', async () => {
    const listener = await listen();
    const reasons = refusals(listener);
    await expect(
      connectTlsLane({
        certificate: senderCert,
        remoteFingerprint: certificateFingerprint(receiverCert),
        endpoints: listener.endpoints,
        token: listener.token.map((b, i) => (i === 31 ? b ^ 1 : b)),
      }),
    ).rejects.toMatchObject({ name: 'TlsLaneRefusedError' });
    expect(reasons).toEqual(['TlsLaneTokenMismatchError']);
    await connectTo(listener);
    const lane = await listener.accepted;
    cleanups.push(() => lane.close());
    expect(listener.refused).toBe(1);
  });

  it('drops a client that sends no token in time', async () => {
    const listener = await listen({ tokenTimeoutMs: 300 });
    const reasons = refusals(listener);
    const silent = await rawTlsClient(senderCert, endpoint(listener));
    cleanups.push(() => silent.destroy());
    const started = Date.now();
    const reply = await readBytes(silent, 1);
    expect(reply.length).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(reasons).toEqual(['TlsLaneTimeoutError']);
    await connectTo(listener);
    cleanups.push(() => void listener.accepted.then((lane) => lane.close()));
  });

  it('accepting one connection drops the others still waiting, without counting them as refused', async () => {
    const listener = await listen();
    const waiting = await rawTlsClient(senderCert, endpoint(listener));
    cleanups.push(() => waiting.destroy());
    await settle(50);
    await connectTo(listener);
    const lane = await listener.accepted;
    cleanups.push(() => lane.close());
    await socketClosed(waiting);
    await settle(20);
    expect(listener.refused).toBe(0);
  });

  it('closes with MalformedInputError when the peer closes in the middle of a frame', async () => {
    const listener = await listen();
    const raw = await rawTlsClient(senderCert, endpoint(listener));
    cleanups.push(() => raw.destroy());
    raw.write(listener.token);
    expect([...(await readBytes(raw, 1))]).toEqual([1]);
    const receiver = await listener.accepted;
    const got = collect(receiver);
    // One whole frame, then a header announcing 1000 bytes and only 10 of them.
    const header = Buffer.alloc(4);
    header.writeUInt32BE(3);
    raw.write(Buffer.concat([header, Buffer.from([1, 2, 3])]));
    header.writeUInt32BE(1000);
    raw.end(Buffer.concat([header, Buffer.alloc(10)]));
    const error = await got.closed;
    expect(error).toBeInstanceOf(MalformedInputError);
    expect(got.hashes).toEqual([sha256(Uint8Array.of(1, 2, 3))]);
  });

  it.each([
    ['over 4 MiB', MAX_STREAM_FRAME_BYTES + 1],
    ['of 0xffffffff', 0xffff_ffff],
    ['of 0', 0],
  ])('closes with MalformedInputError on a frame length %s', async (_, length) => {
    const listener = await listen();
    const raw = await rawTlsClient(senderCert, endpoint(listener));
    cleanups.push(() => raw.destroy());
    raw.write(listener.token);
    await readBytes(raw, 1);
    const receiver = await listener.accepted;
    const got = collect(receiver);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(length);
    raw.write(Buffer.concat([header, Buffer.alloc(64)]));
    expect(await got.closed).toBeInstanceOf(MalformedInputError);
    expect(got.hashes).toEqual([]);
    await socketClosed(raw);
  });

  it('holds writes back while the peer does not read, and delivers everything once it does', async () => {
    const { sender, receiver } = await openPair();
    const frames = randomFrames(Array.from({ length: 64 }, () => MiB));
    let resolved = 0;
    const writer = (async () => {
      for (const frame of frames) {
        await sender.write(frame);
        resolved++;
      }
    })();
    // Wait until the writer is stuck: no write resolved for 300 ms.
    for (let i = 0, before = -1; i < 20 && resolved !== before; i++) {
      before = resolved;
      await settle(300);
    }
    // Kernel socket buffers on loopback hold a few MiB and the lane's high-water mark 1 MiB: far from 64.
    expect(resolved).toBeGreaterThan(0);
    expect(resolved).toBeLessThan(24);
    const got = collect(receiver);
    await writer;
    await got.frames(frames.length);
    expect(got.hashes).toEqual(frames.map(sha256));
  });

  it('refuses writes past its hard cap from a writer that does not await', async () => {
    const { sender, receiver } = await openPair();
    const got = collect(receiver);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 80 }, () => sender.write(new Uint8Array(MiB))),
    );
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(80);
    for (const outcome of refused) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ name: 'LaneOverflowError' });
    }
    // The writes it took all arrive.
    await got.frames(80 - refused.length);
  });

  it('binds only the addresses it is given', async () => {
    const listener = await listen();
    const { port } = endpoint(listener);
    await expect(
      connectTlsLane({
        certificate: senderCert,
        remoteFingerprint: certificateFingerprint(receiverCert),
        endpoints: [{ address: '127.0.0.2', port }],
        token: listener.token,
      }),
    ).rejects.toMatchObject({ name: 'TlsLaneUnreachableError' });
    for (const address of ['0.0.0.0', '::', 'localhost']) {
      await expect(
        listenTlsLane({
          certificate: receiverCert,
          remoteFingerprint: certificateFingerprint(senderCert),
          addresses: [address],
        }),
      ).rejects.toMatchObject({ name: 'InvalidArgumentError' });
    }
    await expect(
      listenTlsLane({
        certificate: receiverCert,
        remoteFingerprint: certificateFingerprint(senderCert),
        addresses: ['192.0.2.7'],
      }),
    ).rejects.toMatchObject({ name: 'InterfaceNotFoundError' });
  });

  it('listens on every address given and connects over the first endpoint that answers', async () => {
    const listener = await listenTlsLane({
      certificate: receiverCert,
      remoteFingerprint: certificateFingerprint(senderCert),
      addresses: ['127.0.0.1', '127.0.0.2'],
    });
    cleanups.push(() => listener.close());
    expect(listener.endpoints.map((e) => e.address)).toEqual(['127.0.0.1', '127.0.0.2']);
    const [one, two] = listener.endpoints as [TlsLaneEndpoint, TlsLaneEndpoint];
    // The first endpoint goes nowhere (the second address's port on the first address).
    const sender = await connectTlsLane({
      certificate: senderCert,
      remoteFingerprint: certificateFingerprint(receiverCert),
      endpoints: [{ address: '127.0.0.1', port: two.port === one.port ? 1 : two.port }, two],
      token: listener.token,
    });
    cleanups.push(() => sender.close());
    const receiver = await listener.accepted;
    cleanups.push(() => receiver.close());
    const got = collect(receiver);
    await sender.write(Uint8Array.of(9));
    await got.frames(1);
  });

  it('works over IPv6', async () => {
    const listener = await listenTlsLane({
      certificate: receiverCert,
      remoteFingerprint: certificateFingerprint(senderCert),
      addresses: ['::1'],
    });
    cleanups.push(() => listener.close());
    expect(endpoint(listener).address).toBe('::1');
    const sender = await connectTo(listener);
    const receiver = await listener.accepted;
    cleanups.push(() => receiver.close());
    const got = collect(receiver);
    await sender.write(Uint8Array.of(6));
    await got.frames(1);
    expect(got.hashes).toEqual([sha256(Uint8Array.of(6))]);
  });

  it("connectTlsLane stops on abort with the signal's reason", async () => {
    const mute = createTcpServer((socket) => socket.on('error', () => {}));
    const open = new Set<import('node:net').Socket>();
    mute.on('connection', (socket) => open.add(socket));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const socket of open) socket.destroy();
      mute.close();
    });
    const address = mute.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const controller = new AbortController();
    const attempt = connectTlsLane({
      certificate: senderCert,
      remoteFingerprint: certificateFingerprint(receiverCert),
      endpoints: [{ address: '127.0.0.1', port: address.port }],
      token: new Uint8Array(32),
      signal: controller.signal,
    });
    const reason = new Error('user cancelled');
    setTimeout(() => controller.abort(reason), 100);
    await expect(attempt).rejects.toBe(reason);
  });

  it('gives up connecting after timeoutMs when the server never answers the handshake', async () => {
    const mute = createTcpServer((socket) => socket.on('error', () => {}));
    const open = new Set<import('node:net').Socket>();
    mute.on('connection', (socket) => open.add(socket));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const socket of open) socket.destroy();
      mute.close();
    });
    const address = mute.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    await expect(
      connectTlsLane({
        certificate: senderCert,
        remoteFingerprint: certificateFingerprint(receiverCert),
        endpoints: [{ address: '127.0.0.1', port: address.port }],
        token: new Uint8Array(32),
        timeoutMs: 300,
      }),
    ).rejects.toMatchObject({ name: 'TlsLaneTimeoutError' });
  });

  it('close() drops connections still in their handshake', async () => {
    const listener = await listen();
    const { address, port } = endpoint(listener);
    const { connect: connectTcp } = await import('node:net');
    const stuck = connectTcp({ host: address, port });
    stuck.on('error', () => {});
    cleanups.push(() => stuck.destroy());
    await new Promise((r) => stuck.once('connect', r));
    await settle(50);
    const started = Date.now();
    listener.close();
    await new Promise((r) => stuck.once('close', r));
    // Long before the 5 s handshake deadline would have ended it.
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('holds at most 32 connections at once; the right client still gets in once they go', async () => {
    const listener = await listen();
    const { address, port } = endpoint(listener);
    const { connect: connectTcp } = await import('node:net');
    const sockets = Array.from({ length: 33 }, () => connectTcp({ host: address, port }));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
    });
    for (const socket of sockets) socket.on('error', () => {});
    const closedAt = sockets.map(
      (socket) => new Promise<number>((r) => socket.once('close', () => r(Date.now()))),
    );
    const started = Date.now();
    // The 33rd is closed by the listener at once, long before any handshake deadline.
    const first = await Promise.race(closedAt);
    expect(first - started).toBeLessThan(2_500);
    for (const socket of sockets) socket.destroy();
    await Promise.all(closedAt);
    await settle(50);
    await connectTo(listener);
    const lane = await listener.accepted;
    cleanups.push(() => lane.close());
  });

  it('close() and abort end the wait for a lane', async () => {
    const listener = await listen();
    listener.close();
    await expect(listener.accepted).rejects.toMatchObject({ name: 'TransportClosedError' });
    const controller = new AbortController();
    const aborted = await listenTlsLane({
      certificate: receiverCert,
      remoteFingerprint: certificateFingerprint(senderCert),
      addresses: ['127.0.0.1'],
      signal: controller.signal,
    });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(aborted.accepted).rejects.toBe(reason);
  });

  it('refuses bad arguments with typed errors', async () => {
    const base = {
      certificate: senderCert,
      remoteFingerprint: certificateFingerprint(receiverCert),
      endpoints: [{ address: '127.0.0.1', port: 9 }],
      token: new Uint8Array(32),
    };
    await expect(connectTlsLane({ ...base, token: new Uint8Array(31) })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
    });
    await expect(connectTlsLane({ ...base, remoteFingerprint: new Uint8Array(20) })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
    });
    await expect(connectTlsLane({ ...base, endpoints: [] })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
    });
    for (const init of [
      { remoteFingerprint: new Uint8Array(31), addresses: ['127.0.0.1'] },
      { remoteFingerprint: certificateFingerprint(senderCert), addresses: [] },
    ]) {
      await expect(listenTlsLane({ certificate: receiverCert, ...init })).rejects.toMatchObject({
        name: 'InvalidArgumentError',
      });
    }
  });
});
