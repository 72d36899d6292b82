/**
 * In-memory transport for unit tests and single-process demos: a `MemoryNetwork` is a switch that
 * delivers frames between endpoints by id. A `tamper` hook sees every frame in transit and may
 * change or drop it, which is how tests play a malicious relay.
 */
import { TransportClosedError } from '../errors.js';
import { AsyncQueue } from './queue.js';
import type { SignalTransport, TransportFrame } from './transport.js';

/** Called for every frame in transit; return the bytes to deliver, or `undefined` to drop the frame. */
export type TamperHook = (frame: { from: string; to: string; bytes: Uint8Array }) => Uint8Array | undefined;

/** Options for `createMemoryNetwork`. */
export interface MemoryNetworkInit {
  /** Frames an endpoint may hold unread before new ones are dropped (default 1024). */
  queueLimit?: number;
  tamper?: TamperHook;
}

/** A switch connecting in-memory endpoints. */
export interface MemoryNetwork {
  /** Attach an endpoint with this id (one live endpoint per id). */
  connect(id: string): SignalTransport;
  /** Replace the tamper hook (or remove it with `undefined`). */
  setTamper(hook: TamperHook | undefined): void;
  /** Frames dropped: unknown recipient, full queue, or tampered away. */
  readonly dropped: number;
}

/** Create an in-memory switch. */
export function createMemoryNetwork(init: MemoryNetworkInit = {}): MemoryNetwork {
  const endpoints = new Map<string, AsyncQueue<TransportFrame>>();
  let tamper = init.tamper;
  let dropped = 0;

  return {
    get dropped() {
      return dropped;
    },
    setTamper(hook) {
      tamper = hook;
    },
    connect(id) {
      if (endpoints.has(id)) throw new TransportClosedError(`endpoint ${id} is already connected`);
      const queue = new AsyncQueue<TransportFrame>(init.queueLimit ?? 1024);
      endpoints.set(id, queue);
      let closed = false;
      return {
        localId: id,
        messages: queue,
        async send(to, bytes) {
          if (closed) throw new TransportClosedError('transport is closed');
          // Copy: the sender may reuse its buffer, and a frame is a value once sent.
          let out: Uint8Array | undefined = bytes.slice();
          if (tamper) out = tamper({ from: id, to, bytes: out });
          const target = endpoints.get(to);
          if (!out || !target?.push({ from: id, bytes: out })) dropped++;
        },
        close() {
          if (closed) return;
          closed = true;
          endpoints.delete(id);
          queue.end();
        },
      };
    },
  };
}
