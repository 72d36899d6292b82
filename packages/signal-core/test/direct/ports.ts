/** In-memory `AuthPort` pairs for the in-band authentication tests. */
import { sha256 } from '@noble/hashes/sha2.js';
import { runDirectAuth } from '../../src/direct/auth.js';
import type { AuthPort, DirectAuthInit } from '../../src/direct/auth-types.js';
import { createIdentity, type Identity } from '../../src/identity/identity.js';
import { createMemoryTrustStore } from '../../src/trust/memory.js';
import { rememberPeer } from '../../src/trust/peers.js';
import type { TrustStore } from '../../src/trust/store.js';

/** One end of a pipe; `sent` logs what it sent, `listeners` counts live subscriptions. */
export interface TestPort extends AuthPort {
  readonly sent: Uint8Array[];
  listeners(): number;
  /** Deliver raw bytes to this port's listeners (as if the peer sent them). */
  inject(bytes: Uint8Array): void;
  /** Close the pipe: both ends' close listeners fire. */
  close(): void;
}

/** Rewrite or drop (return undefined) a message on its way; `from` is the sending end. */
export type Tamper = (bytes: Uint8Array, from: 'a' | 'b') => Uint8Array | undefined;

/** Two connected ports; delivery is asynchronous (a microtask), like a DataChannel event. */
export function portPair(tamper?: Tamper): { a: TestPort; b: TestPort } {
  const ends: Record<'a' | 'b', TestPort & { shutdown(): void }> = {} as never;
  const make = (name: 'a' | 'b') => {
    const messages = new Set<(bytes: Uint8Array) => void>();
    const closes = new Set<() => void>();
    let closed = false;
    const sent: Uint8Array[] = [];
    return {
      sent,
      send(bytes: Uint8Array) {
        if (closed) throw new Error('port closed');
        sent.push(bytes.slice());
        const out = tamper ? tamper(bytes.slice(), name) : bytes.slice();
        if (out) queueMicrotask(() => ends[name === 'a' ? 'b' : 'a'].inject(out));
      },
      onMessage(listener: (bytes: Uint8Array) => void) {
        messages.add(listener);
        return () => {
          messages.delete(listener);
        };
      },
      onClose(listener: () => void) {
        closes.add(listener);
        return () => {
          closes.delete(listener);
        };
      },
      listeners: () => messages.size + closes.size,
      inject(bytes: Uint8Array) {
        if (!closed) for (const l of [...messages]) l(bytes);
      },
      close() {
        ends.a.shutdown();
        ends.b.shutdown();
      },
      shutdown() {
        if (closed) return;
        closed = true;
        for (const l of [...closes]) l();
      },
    };
  };
  ends.a = make('a');
  ends.b = make('b');
  return { a: ends.a, b: ends.b };
}

/** One side: identity, its certificate fingerprint, its trust store. */
export interface Side {
  identity: Identity;
  fingerprint: Uint8Array;
  trust: TrustStore;
}

export function side(): Side {
  const identity = createIdentity();
  return { identity, fingerprint: sha256(identity.publicKey), trust: createMemoryTrustStore() };
}

/** Make `x` and `y` trust each other with the given (default: their real) fingerprints. */
export async function trustEachOther(x: Side, y: Side, fps: { x?: Uint8Array; y?: Uint8Array } = {}) {
  await rememberPeer(x.trust, { identity: y.identity, fingerprints: [fps.y ?? y.fingerprint], now: 1 });
  await rememberPeer(y.trust, { identity: x.identity, fingerprints: [fps.x ?? x.fingerprint], now: 1 });
}

/** Settle a promise into a value or an error, so assertions stay outside any catch. */
export async function outcome<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

/** Options of one side in `runBoth` (its identity and trust come from its `Side`). */
export type SideExtra = Partial<Omit<DirectAuthInit, 'role' | 'identity' | 'trust'>>;

/**
 * Run both sides over one in-memory pipe; I = initiator, R = responder. Each side's local and remote
 * fingerprints default to the two sides' real ones; `i` / `r` override any option.
 */
export function runBoth(i: Side, r: Side, opts: { i?: SideExtra; r?: SideExtra; tamper?: Tamper } = {}) {
  const ports = portPair(opts.tamper);
  const base = (me: Side, peer: Side) => ({
    identity: me.identity,
    trust: me.trust,
    localFingerprint: me.fingerprint,
    remoteFingerprint: peer.fingerprint,
  });
  const ip = outcome(runDirectAuth(ports.a, { role: 'initiator', ...base(i, r), ...opts.i }));
  const rp = outcome(runDirectAuth(ports.b, { role: 'responder', ...base(r, i), ...opts.r }));
  return { ports, i: ip, r: rp };
}
