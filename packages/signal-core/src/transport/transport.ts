/**
 * The one interface every signalling path implements (relay, QR, in-memory, direct). It moves opaque
 * byte frames — sealed envelopes — between agents addressed by identity id. A transport is not trusted:
 * it may drop, reorder, replay or alter frames, and the envelope layer detects all of it.
 */

/** A frame as it arrives: who the transport says sent it, and the bytes. `from` is a hint, never trusted. */
export interface TransportFrame {
  readonly from: string;
  readonly bytes: Uint8Array;
}

/** A bidirectional, addressed frame pipe owned by one agent. */
export interface SignalTransport {
  /** This endpoint's identity id, as the transport knows it. */
  readonly localId: string;
  /** Send `bytes` to the agent whose id is `to`. Rejects with `TransportClosedError` after `close()`. */
  send(to: string, bytes: Uint8Array): Promise<void>;
  /** Incoming frames in arrival order; ends when the transport closes. Iterate it once. */
  readonly messages: AsyncIterable<TransportFrame>;
  /** Close the transport; pending iteration ends; idempotent. */
  close(): void;
}
