/**
 * The native `RTCDataChannel` as a file-transfer `TransferLane`: one frame per binary message, at
 * most 256 KiB and never more than the peer's max-message-size (RFC 8841 §6), and backpressure
 * from `bufferedAmount` (webrtc-pc §6.2): a write resolves at once while the channel's send buffer is
 * under its high-water mark, else when `bufferedamountlow` says it drained to the low-water mark.
 */
import { TransportClosedError } from '@lanrtc/signal-core';
import type { TransferLane } from '@lanrtc/signal-core/transfer';

/**
 * Largest frame a DataChannel lane carries: 256 KiB, what Chromium and lanrtc's Node peers announce
 * (`a=max-message-size:262144`); a peer that announces less (werift's default 65536) gets frames
 * of its size. Fewer, larger messages cost less per byte on both sides (events, promises, hashing
 * calls, and werift's per-message work).
 */
export const DATACHANNEL_MAX_FRAME_BYTES = 256 * 1024;
/** Above this many buffered bytes a write waits (Chromium refuses `send` past 16 MiB queued). */
export const DATACHANNEL_HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** A waiting write resumes once the buffer drained to this. */
export const DATACHANNEL_LOW_WATER_BYTES = 1024 * 1024;

/** Options of `dataChannelLane`. */
export interface DataChannelLaneInit {
  /** Bytes buffered before `write` waits (default `DATACHANNEL_HIGH_WATER_BYTES`). */
  readonly highWaterBytes?: number;
  /** Where a waiting write resumes (default `DATACHANNEL_LOW_WATER_BYTES`). */
  readonly lowWaterBytes?: number;
  /**
   * The peer's max-message-size (`pc.sctp.maxMessageSize`, RFC 8841 §6): frames stay at or under
   * it when it is below `DATACHANNEL_MAX_FRAME_BYTES`.
   */
  readonly maxMessageSize?: number;
}

/** Adapt an open (or opening) reliable, ordered DataChannel; closing the lane closes the channel. */
export function dataChannelLane(channel: RTCDataChannel, init: DataChannelLaneInit = {}): TransferLane {
  const high = init.highWaterBytes ?? DATACHANNEL_HIGH_WATER_BYTES;
  const maxFrameBytes = Math.min(
    DATACHANNEL_MAX_FRAME_BYTES,
    init.maxMessageSize ?? Number.POSITIVE_INFINITY,
  );
  channel.binaryType = 'arraybuffer';
  channel.bufferedAmountLowThreshold = init.lowWaterBytes ?? DATACHANNEL_LOW_WATER_BYTES;
  const frameListeners = new Set<(frame: Uint8Array) => void>();
  const closeListeners = new Set<(error?: Error) => void>();
  // Frames that arrive before the engine listens are held for its first listener, in order.
  let held: Uint8Array[] | undefined = [];
  let closed: { error?: Error } | undefined;
  const drainWaiters = new Set<{ resolve(): void; reject(error: Error): void }>();

  const deliver = (frame: Uint8Array) => {
    if (held) {
      held.push(frame);
      return;
    }
    for (const l of frameListeners) l(frame);
  };
  // A message captured before `binaryType` was set may be a Blob whose bytes come asynchronously:
  // everything after it goes through one chain so the channel's order holds.
  let chain: Promise<void> | undefined;
  const onMessage = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (chain === undefined && data instanceof ArrayBuffer) return deliver(new Uint8Array(data));
    const next = (chain ?? Promise.resolve()).then(async () => {
      if (closed) return;
      if (data instanceof ArrayBuffer) deliver(new Uint8Array(data));
      else if (data instanceof Blob) deliver(new Uint8Array(await data.arrayBuffer()));
      // A text message is not a frame: pass its bytes on, for the frame decoder to refuse.
      else deliver(new TextEncoder().encode(String(data)));
    });
    chain = next;
    void next.then(() => {
      if (chain === next) chain = undefined;
    });
  };
  const onLow = () => {
    for (const w of drainWaiters) w.resolve();
    drainWaiters.clear();
  };
  const finish = (error?: Error) => {
    if (closed) return;
    closed = error ? { error } : {};
    channel.removeEventListener('message', onMessage);
    channel.removeEventListener('bufferedamountlow', onLow);
    channel.removeEventListener('close', onChannelClose);
    channel.removeEventListener('error', onChannelError);
    const gone = new TransportClosedError('the transfer channel closed');
    for (const w of drainWaiters) w.reject(gone);
    drainWaiters.clear();
    for (const l of closeListeners) l(error);
    closeListeners.clear();
  };
  const onChannelClose = () => finish();
  const onChannelError = (event: Event) => {
    const detail = (event as RTCErrorEvent).error;
    finish(new TransportClosedError('the transfer channel failed', { cause: detail }));
  };
  channel.addEventListener('message', onMessage);
  channel.addEventListener('bufferedamountlow', onLow);
  channel.addEventListener('close', onChannelClose);
  channel.addEventListener('error', onChannelError);
  if (channel.readyState === 'closing' || channel.readyState === 'closed') queueMicrotask(() => finish());

  return {
    kind: 'datachannel',
    maxFrameBytes,
    async write(frame) {
      if (closed) throw new TransportClosedError('the transfer channel is closed');
      if (frame.byteLength > maxFrameBytes)
        throw new RangeError(`a frame of ${frame.byteLength} bytes exceeds the lane's ${maxFrameBytes}`);
      if (channel.readyState === 'connecting')
        await new Promise<void>((resolve, reject) => {
          const opened = () => {
            channel.removeEventListener('open', opened);
            resolve();
          };
          channel.addEventListener('open', opened);
          closeListeners.add(() => reject(new TransportClosedError('the transfer channel closed')));
        });
      try {
        channel.send(frame as Uint8Array<ArrayBuffer>);
      } catch (error) {
        // `send` throws InvalidStateError once the channel is closing (webrtc-pc §6.2 step 1).
        throw new TransportClosedError('the transfer channel refused a frame', { cause: error });
      }
      if (channel.bufferedAmount <= high) return;
      await new Promise<void>((resolve, reject) => {
        const waiter = { resolve, reject };
        drainWaiters.add(waiter);
        // The event may have fired between `send` and here: look again.
        if (channel.bufferedAmount <= channel.bufferedAmountLowThreshold) {
          drainWaiters.delete(waiter);
          resolve();
        }
      });
    },
    onFrame(listener) {
      frameListeners.add(listener);
      const early = held;
      if (early) {
        held = undefined;
        for (const frame of early) listener(frame);
      }
      return () => frameListeners.delete(listener);
    },
    onClose(listener) {
      if (closed) {
        const { error } = closed;
        queueMicrotask(() => listener(error));
        return () => undefined;
      }
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    close() {
      if (channel.readyState !== 'closed') channel.close();
      finish();
    },
  };
}

/** The peer's max-message-size on `connection` (Chromium reports 0 / no limit as `Infinity`), as lane options. */
export function peerLimit(connection: {
  readonly peer: { readonly pc: RTCPeerConnection };
}): DataChannelLaneInit {
  const size = connection.peer.pc.sctp?.maxMessageSize;
  return size !== undefined && size > 0 ? { maxMessageSize: size } : {};
}
