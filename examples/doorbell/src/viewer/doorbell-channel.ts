/**
 * The viewer's end of the DataChannel `doorbell`: every frame from the device goes through
 * `decodeDoorbellMessage` (text) or the snapshot assembler (binary); what does not decode is counted
 * and dropped, never thrown out of the event handler.
 */
import {
  createSnapshotAssembler,
  type DeviceMessage,
  DOORBELL_CHANNEL,
  decodeDoorbellMessage,
  encodeDoorbellMessage,
  type RingHeader,
  type ViewerMessage,
} from '../shared/messages.js';

/** A ring with its snapshot (when the doorbell had one). */
export interface ReceivedRing {
  readonly header: RingHeader;
  readonly jpeg?: Uint8Array;
}

/** What the channel hands the app. */
export interface ChannelHandlers {
  hello(message: Extract<DeviceMessage, { t: 'hello' }>): void;
  ring(ring: ReceivedRing): void;
  viewers(count: number): void;
  /** A frame that did not decode (already dropped); `name` is the error's. */
  bad(name: string): void;
}

/** The open channel: send a viewer message, close it. */
export interface DoorbellChannel {
  send(message: ViewerMessage): void;
  close(): void;
}

/** Open the channel `doorbell` on an authenticated connection's peer and route its frames. */
export function openDoorbellChannel(
  peer: { createDataChannel(label: string): RTCDataChannel },
  on: ChannelHandlers,
): DoorbellChannel {
  const channel = peer.createDataChannel(DOORBELL_CHANNEL);
  channel.binaryType = 'arraybuffer';
  const snapshots = createSnapshotAssembler();
  const frame = (data: unknown) => {
    if (typeof data === 'string') {
      const message = decodeDoorbellMessage(data);
      if (message.t === 'hello') on.hello(message);
      else if (message.t === 'viewers') on.viewers(message.count);
      else if (message.t === 'ring') {
        const { id, at, size, past } = message;
        const done = snapshots.ring({ id, at, size, past });
        if (done) on.ring(done);
      } else throw new TypeError(`unexpected "${message.t}" message from the doorbell`);
    } else if (data instanceof ArrayBuffer) {
      const done = snapshots.chunk(new Uint8Array(data));
      if (done) on.ring(done);
    } else throw new TypeError('frame of an unknown kind');
  };
  channel.addEventListener('message', (event) => {
    try {
      frame(event.data);
    } catch (error) {
      on.bad(error instanceof Error ? error.name : 'Error');
    }
  });
  return {
    send(message) {
      if (channel.readyState === 'open') channel.send(encodeDoorbellMessage(message));
    },
    close: () => channel.close(),
  };
}
