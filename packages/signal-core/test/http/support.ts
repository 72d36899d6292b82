import {
  decodeHttpFrame,
  encodeHttpFrame,
  type HttpClient,
  type HttpFrame,
  type HttpHandler,
  type HttpServer,
  openHttpClientOnLane,
  serveHttp,
} from '@lanrtc/signal-core/http';
import type { TransferLane } from '@lanrtc/signal-core/transfer';
import { createMemoryLanePair } from '@lanrtc/signal-core/transfer';

export const KiB = 1024;

/** A client and a server over one memory lane pair. */
export async function connected(handler: HttpHandler): Promise<{
  client: HttpClient;
  server: HttpServer;
  lanes: ReturnType<typeof createMemoryLanePair>;
}> {
  const lanes = createMemoryLanePair();
  const server = serveHttp(lanes[1], { service: 'web', handler });
  const client = await openHttpClientOnLane(lanes[0]);
  return { client, server, lanes };
}

/** A hand-driven end of an HTTP channel, for playing a hostile peer. */
export function rawPeer(lane: TransferLane) {
  const frames: HttpFrame[] = [];
  lane.onFrame((bytes) => frames.push(decodeHttpFrame(bytes)));
  let closed = false;
  lane.onClose(() => {
    closed = true;
  });
  return {
    frames,
    get closed() {
      return closed;
    },
    send: (frame: HttpFrame) => lane.write(encodeHttpFrame(frame)),
    sendBytes: (bytes: Uint8Array) => lane.write(bytes),
    /** The first frame matching `type` (and `stream` if given); waits for it up to 5 s. */
    async next<T extends HttpFrame['type']>(
      type: T,
      stream?: number,
    ): Promise<Extract<HttpFrame, { type: T }>> {
      for (let waited = 0; waited < 5000; waited += 2) {
        const frame = frames.find((f) => f.type === type && (stream === undefined || f.stream === stream));
        if (frame) return frame as Extract<HttpFrame, { type: T }>;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      throw new Error(`no ${type} frame`);
    },
  };
}

/** Bytes 0…n-1 of a fixed pattern, so any reordering or loss shows. */
export function pattern(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed + (i >>> 8)) & 0xff;
  return out;
}

/** A ReadableStream of `total` pattern bytes in `chunk`-byte pieces that counts what was pulled. */
export function countingStream(total: number, chunk: number) {
  const data = pattern(total);
  const state = { pulled: 0, cancelled: false as boolean | unknown };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled >= total) {
        controller.close();
        return;
      }
      const piece = data.subarray(state.pulled, Math.min(total, state.pulled + chunk));
      state.pulled += piece.length;
      controller.enqueue(piece.slice());
    },
    cancel(reason) {
      state.cancelled = reason ?? true;
    },
  });
  return { stream, state, data };
}

/** Let the memory lane and the engines run until `read()` stops changing for 30 turns of the event loop. */
export async function quiesce(read: () => number): Promise<number> {
  let last = read();
  for (let still = 0; still < 30; ) {
    await new Promise((resolve) => setImmediate(resolve));
    const now = read();
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return last;
}

/** Read a whole body into one array. */
export async function readAll(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

/** What a promise settled to, for asserting on rejections by name. */
export async function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  const [result] = await Promise.allSettled([promise]);
  return result as PromiseSettledResult<T>;
}

/** The error a settled promise rejected with (fails the test if it resolved). */
export function rejection(result: PromiseSettledResult<unknown>): Error & { code?: string } {
  if (result.status === 'fulfilled') throw new Error('expected a rejection, got a result');
  return result.reason as Error & { code?: string };
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
