/**
 * Test helpers for the transfer lanes: frames of random bytes, a collector of what a lane delivers,
 * the open-handle count, and a raw TLS client that speaks the lane's preamble by hand.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type TLSSocket } from 'node:tls';
import type { TransferLane } from '@lanrtc/signal-core/transfer';
import type { DtlsCertificate, TlsLaneEndpoint } from '../../src/index.js';

/** Handles (sockets, servers, timers) the process holds now. */
export const activeHandles = (): number =>
  (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;

/** Wait `ms`. */
export const settle = (ms = 50): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll until the handle count is back at `baseline` (sockets close a tick or two after destroy). */
export async function handlesBackTo(baseline: number): Promise<number> {
  for (let i = 0; i < 40 && activeHandles() > baseline; i++) await settle(50);
  return activeHandles();
}

/** Hex SHA-256 of `bytes`. */
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Random frames of the given sizes. */
export const randomFrames = (sizes: readonly number[]): Uint8Array[] =>
  sizes.map((size) => new Uint8Array(randomBytes(size)));

/** Everything a lane delivers and how it closed. */
export interface Collected {
  readonly hashes: string[];
  bytes: number;
  readonly closed: Promise<Error | undefined>;
  /** Resolves once `count` frames arrived. */
  frames(count: number): Promise<void>;
}

/** Subscribe to `lane` now and collect the hash of every frame. */
export function collect(lane: TransferLane): Collected {
  const hashes: string[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const out: Collected = {
    hashes,
    bytes: 0,
    closed: new Promise((resolve) => lane.onClose(resolve)),
    frames(count) {
      if (hashes.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
  };
  lane.onFrame((frame) => {
    hashes.push(sha256(frame));
    out.bytes += frame.length;
    for (const w of waiting.filter((w) => hashes.length >= w.count)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  return out;
}

/** A TLS 1.3 client with `certificate` that does nothing by itself: the test drives the bytes. */
export function rawTlsClient(certificate: DtlsCertificate, endpoint: TlsLaneEndpoint): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: endpoint.address,
      port: endpoint.port,
      cert: certificate.certPem,
      key: certificate.keyPem,
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Read `count` bytes from `socket` (or fewer, if it ends first). */
export function readBytes(socket: TLSSocket, count: number): Promise<Buffer> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= count) done();
    };
    const done = () => {
      socket.off('data', onData);
      socket.off('end', done);
      socket.off('close', done);
      resolve(got);
    };
    socket.on('data', onData);
    socket.once('end', done);
    socket.once('close', done);
  });
}

/** Resolves when `socket` has closed. */
export const socketClosed = (socket: TLSSocket): Promise<void> =>
  socket.closed ? Promise.resolve() : new Promise((r) => socket.once('close', () => r()));
