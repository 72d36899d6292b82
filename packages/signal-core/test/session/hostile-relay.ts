/**
 * A malicious relay for session tests: it switches frames between in-memory endpoints like
 * `createMemoryNetwork`, but it also decides the sender label each frame arrives with (which a real
 * relay stamps and nobody checks) and can inject frames of its own, hold genuine frames back and
 * deliver them later, or deliver them twice.
 */
import { AsyncQueue } from '../../src/exports/testing.js';
import { type SignalTransport, TransportClosedError, type TransportFrame } from '../../src/index.js';

/** One frame as the relay carries it. */
export interface RelayedFrame {
  readonly from: string;
  readonly to: string;
  readonly bytes: Uint8Array;
}

/** The relay and its controls. */
export interface HostileRelay {
  /** Attach an endpoint with this id. */
  connect(id: string): SignalTransport;
  /** Every frame an endpoint sent, in order (held ones included). */
  readonly sent: readonly RelayedFrame[];
  /** Frames matching `hold` are kept back instead of delivered (until `release`). */
  hold(match: ((frame: RelayedFrame) => boolean) | undefined): void;
  /** The frames held back so far, oldest first (not delivered, not removed). */
  readonly held: readonly RelayedFrame[];
  /** Deliver `bytes` to `to` labelled as coming from `from` (any label the relay likes). */
  inject(to: string, from: string, bytes: Uint8Array): void;
  /** Deliver a held frame now (and forget it). */
  release(frame: RelayedFrame): void;
}

/** Create a relay that plays by none of the rules. */
export function createHostileRelay(): HostileRelay {
  const endpoints = new Map<string, AsyncQueue<TransportFrame>>();
  const sent: RelayedFrame[] = [];
  const held: RelayedFrame[] = [];
  let hold: ((frame: RelayedFrame) => boolean) | undefined;
  const deliver = (to: string, from: string, bytes: Uint8Array) => {
    endpoints.get(to)?.push({ from, bytes: bytes.slice() });
  };
  return {
    sent,
    held,
    hold(match) {
      hold = match;
    },
    inject: deliver,
    release(frame) {
      const at = held.indexOf(frame);
      if (at >= 0) held.splice(at, 1);
      deliver(frame.to, frame.from, frame.bytes);
    },
    connect(id) {
      const queue = new AsyncQueue<TransportFrame>();
      endpoints.set(id, queue);
      let closed = false;
      return {
        localId: id,
        messages: queue,
        async send(to, bytes) {
          if (closed) throw new TransportClosedError('transport is closed');
          const frame = { from: id, to, bytes: bytes.slice() };
          sent.push(frame);
          if (hold?.(frame)) held.push(frame);
          else deliver(to, id, frame.bytes);
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
