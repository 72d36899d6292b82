/**
 * The frame I/O both HTTP engines share: decode each lane frame (a frame that does not decode is a
 * protocol failure of the whole channel), write control frames in order without awaiting them, write
 * DATA with the lane's backpressure, and report the channel's end once with its reason.
 */
import { TransportClosedError } from '../errors.js';
import type { TransferLane } from '../transfer/lane.js';
import { HTTP_FRAME_HEADER_BYTES } from './constants.js';
import { decodeHttpFrame, encodeDataHeader, encodeHttpFrame, type HttpFrame } from './frames.js';

/** What an engine does with the channel's events. */
export interface ChannelHandlers {
  /** A decoded frame; throwing here is treated as `onBadFrame(error)`. */
  onFrame(frame: HttpFrame): void;
  /** A frame that did not decode or broke the protocol. */
  onBadFrame(error: unknown): void;
  /** The lane closed (once); `error` says why. */
  onClosed(error: Error): void;
}

/** The shared frame I/O of one HTTP channel. */
export interface HttpChannel {
  /** Largest DATA payload on this lane. */
  readonly maxPayload: number;
  readonly isClosed: boolean;
  /** Resolves once the lane closed. */
  readonly closed: Promise<void>;
  /** Queue a control frame; a failed write closes the channel. */
  send(frame: HttpFrame): void;
  /** Queue an already encoded control frame, as `send`. */
  sendEncoded(bytes: Uint8Array): void;
  /** Write one DATA frame; resolves when the lane can take more. */
  writeData(stream: number, bytes: Uint8Array): Promise<void>;
  /** Close the lane; `onClosed(error)` runs once. */
  close(error: Error): void;
}

/** Wrap `lane` as an HTTP channel. */
export function createHttpChannel(lane: TransferLane, handlers: ChannelHandlers): HttpChannel {
  let isClosed = false;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const unsubscribes: (() => void)[] = [];
  const finish = (error: Error) => {
    if (isClosed) return;
    isClosed = true;
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
    try {
      handlers.onClosed(error);
    } finally {
      resolveClosed();
    }
  };
  unsubscribes.push(
    lane.onFrame((bytes) => {
      if (isClosed) return;
      try {
        handlers.onFrame(decodeHttpFrame(bytes));
      } catch (error) {
        handlers.onBadFrame(error);
      }
    }),
    lane.onClose((error) =>
      finish(
        error
          ? new TransportClosedError('HTTP channel failed', { cause: error })
          : new TransportClosedError('HTTP channel closed'),
      ),
    ),
  );
  const channel: HttpChannel = {
    // Read each time: a DataChannel lane's limit follows the remote's max-message-size (RFC 8841 §6).
    get maxPayload() {
      return lane.maxFrameBytes - HTTP_FRAME_HEADER_BYTES;
    },
    get isClosed() {
      return isClosed;
    },
    closed,
    send(frame) {
      channel.sendEncoded(encodeHttpFrame(frame));
    },
    sendEncoded(bytes) {
      if (isClosed) return;
      lane.write(bytes).catch((error: unknown) => {
        channel.close(new TransportClosedError('HTTP channel write failed', { cause: error }));
      });
    },
    async writeData(stream, bytes) {
      if (isClosed) throw new TransportClosedError('HTTP channel closed');
      const head = encodeDataHeader(stream);
      if (lane.writeParts) return lane.writeParts([head, bytes]);
      const frame = new Uint8Array(head.length + bytes.length);
      frame.set(head);
      frame.set(bytes, head.length);
      return lane.write(frame);
    },
    close(error) {
      if (isClosed) return;
      // Report first: a lane may call its close listeners synchronously, with a vaguer reason.
      finish(error);
      lane.close();
    },
  };
  return channel;
}
