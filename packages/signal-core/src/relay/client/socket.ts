/**
 * The WebSocket a relay client drives: the structural part of the WHATWG API that browsers' native
 * WebSocket and Node's `ws` share, so the platform-free client takes either as a constructor.
 */

/**
 * An event-handler property type, checked bivariantly like a method: the DOM declares
 * `onopen(ev: Event)`, `ws` its own event classes, and both must fit without casts.
 */
type EventHandler<E> = { bivarianceHack(ev: E): void }['bivarianceHack'];

/** The part of the WHATWG WebSocket API the client uses (browsers' native one and `ws` both have it). */
export interface RelayWebSocket {
  binaryType: string;
  readonly readyState: number;
  onopen: EventHandler<unknown> | null;
  onmessage: EventHandler<{ data: unknown }> | null;
  onclose: EventHandler<{ code: number; reason: string }> | null;
  onerror: EventHandler<unknown> | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor. */
export type RelayWebSocketConstructor = new (url: string) => RelayWebSocket;

/** `readyState` of an open WebSocket (WHATWG WebSockets: `OPEN`). */
export const SOCKET_OPEN = 1;

/** The bytes of a binary message event's `data` (`binaryType` is `arraybuffer`); undefined for text. */
export function messageBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/** Close a socket normally, whatever state it is in. */
export function closeQuietly(ws: RelayWebSocket): void {
  try {
    ws.close(1000);
  } catch {
    // Closing a socket that never opened throws in some runtimes; it is closed either way.
  }
}
