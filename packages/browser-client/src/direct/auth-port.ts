/**
 * A native `RTCDataChannel` as signal-core's `AuthPort` (`channelAuthPort` holds what arrives
 * before `runDirectAuth` subscribes — a browser drops messages nobody listens to — and keeps the
 * close state). Created together with the channel; sends before `open` wait for it.
 */
import { TransportClosedError } from '@lanrtc/signal-core';
import { type ChannelAuthPort, channelAuthPort } from '@lanrtc/signal-core/protocol';

/** An `AuthPort` over `channel`, plus `opened` and a way to detach it. */
export interface DataChannelAuthPort extends ChannelAuthPort {
  /** Resolves when the channel is open; rejects if it closes first. */
  readonly opened: Promise<void>;
}

/** Wrap `channel` (binary messages become `Uint8Array`; text ones their UTF-8 bytes, which no auth message decodes as). */
export function dataChannelAuthPort(channel: RTCDataChannel): DataChannelAuthPort {
  channel.binaryType = 'arraybuffer';
  const opened = new Promise<void>((resolve, reject) => {
    if (channel.readyState === 'open') return resolve();
    channel.addEventListener('open', () => resolve(), { once: true });
    channel.addEventListener(
      'close',
      () => reject(new TransportClosedError('auth channel closed before it opened')),
      { once: true },
    );
  });
  // Whoever awaits `opened` sees the rejection; nobody awaiting it is not an error.
  opened.catch(() => {});
  const port = channelAuthPort({
    closed: channel.readyState === 'closing' || channel.readyState === 'closed',
    send(bytes) {
      if (channel.readyState === 'open') channel.send(bytes.slice());
      else
        void opened.then(
          () => channel.readyState === 'open' && channel.send(bytes.slice()),
          () => {},
        );
    },
    onMessage(listener) {
      const onMessage = (event: MessageEvent) => {
        const data: unknown = event.data;
        listener(
          typeof data === 'string'
            ? data
            : new Uint8Array(data instanceof ArrayBuffer ? data : new ArrayBuffer(0)),
        );
      };
      channel.addEventListener('message', onMessage);
      return () => channel.removeEventListener('message', onMessage);
    },
    onClose(listener) {
      channel.addEventListener('close', listener);
      return () => channel.removeEventListener('close', listener);
    },
  });
  return Object.assign(port, { opened });
}
