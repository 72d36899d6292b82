/**
 * Which relay error codes end the connection, and the WebSocket close code (RFC 6455 §7.4) the relay
 * closes with after each (docs/PROTOCOL.md §"Relay protocol", the error table's "closes" column).
 * One table for both ends: the relay closes by it, the client knows by it that the socket is going.
 */
import type { RelayErrorCode } from './frames.js';

/** WebSocket close code the relay sends after each error code that ends the connection; absent codes leave it open. */
export const RELAY_CLOSE_CODES: Readonly<Partial<Record<RelayErrorCode, number>>> = {
  'malformed-frame': 1008,
  'unsupported-version': 1008,
  'not-authenticated': 1008,
  'auth-failed': 1008,
  'frame-too-large': 1009,
  replaced: 4001,
  'idle-timeout': 4002,
  'slow-consumer': 4003,
  'shutting-down': 1001,
  'server-full': 1013,
  'auth-timeout': 4004,
  // 1013 "Try Again Later": the address's share is used up now, not forever.
  'address-full': 1013,
};

/** True when the relay closes the socket after sending this error code. */
export function relayErrorCloses(code: RelayErrorCode): boolean {
  return RELAY_CLOSE_CODES[code] !== undefined;
}
