/** One client socket as the relay sees it: its address, login challenge, liveness, rate bucket, identity and rooms. */
import type { WebSocket } from 'ws';
import type { RateBucket } from './rate-limit.js';

/** A client connection's state on the relay. */
export interface Conn {
  readonly ws: WebSocket;
  /** Its remote address, normalised (`addressKey`): what its per-address limits count against. */
  readonly address: string;
  readonly challenge: Uint8Array;
  /** The `Host` it upgraded with: the endpoint its login is bound to. */
  readonly endpoint: string;
  readonly openedAt: number;
  lastSeen: number;
  readonly rate: RateBucket;
  /** Closes it with `auth-timeout` unless it logs in first; cleared on login and on close. */
  authTimer?: ReturnType<typeof setTimeout>;
  /** Set once logged in: id bytes, their map key, and the id text for logs. */
  id?: Uint8Array;
  key?: string;
  idText?: string;
  readonly rooms: Set<string>;
  /** Its closing error frame went out: nothing more is sent to it or taken from it. */
  closing: boolean;
}

/** The routing key of an id: its 16 bytes as a latin1 string (one char per byte). */
export const keyOf = (id: Uint8Array): string =>
  Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('latin1');

/** A plain Uint8Array view of a Buffer: its `slice` copies (Buffer's does not), so decoded fields are values. */
export const plain = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
