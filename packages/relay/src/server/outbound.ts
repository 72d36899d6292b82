/** How the relay's parts send to a client: a frame, or an error frame (which may close the connection). */
import type { RelayErrorCode } from '@lanrtc/signal-core/protocol';
import type { Conn } from './connection.js';

/** The relay's sending functions, handed to the parts that answer clients. */
export interface Outbound {
  /** Send a frame unless the client is closing or too slow; false when it was not sent. */
  sendTo(c: Conn, frame: Uint8Array): boolean;
  /** Send an error frame; for a code that ends the connection, close it too. */
  sendError(c: Conn, code: RelayErrorCode, detail?: string, subject?: string): void;
}
