/**
 * A native `RTCDataChannel` as signal-core's `AuthPort`. Created together with the channel, it
 * holds what arrives before `runDirectAuth` subscribes (a browser drops messages nobody listens
 * to, and the peer sends its hello the moment the channel opens), capped so a peer cannot make it
 * buffer without bound; sends before `open` wait for it.
 */
import { type AuthPort, TransportClosedError } from '@lanrtc/signal-core';

/** Most messages held before the runner subscribes (the protocol's first flight is one hello). */
const MAX_HELD = 16;

/** An `AuthPort` over `channel`, plus `opened` and a way to detach it. */
export interface DataChannelAuthPort extends AuthPort {
  /** Resolves when the channel is open; rejects if it closes first. */
  readonly opened: Promise<void>;
  /** Stop listening (the channel itself stays as it is). */
  dispose(): void;
}

/** Wrap `channel` (binary messages become `Uint8Array`; text ones their UTF-8 bytes, which no auth message decodes as). */
export function dataChannelAuthPort(channel: RTCDataChannel): DataChannelAuthPort {
  channel.binaryType = 'arraybuffer';
  const held: Uint8Array[] = [];
  const messageListeners = new Set<(bytes: Uint8Array) => void>();
  const closeListeners = new Set<() => void>();
  let closed = channel.readyState === 'closing' || channel.readyState === 'closed';
  const onMessage = (event: MessageEvent) => {
    const data: unknown = event.data;
    const bytes =
      typeof data === 'string'
        ? new TextEncoder().encode(data)
        : new Uint8Array(data instanceof ArrayBuffer ? data : new ArrayBuffer(0));
    if (messageListeners.size === 0) {
      if (held.length < MAX_HELD) held.push(bytes);
      return;
    }
    for (const l of messageListeners) l(bytes);
  };
  const onClose = () => {
    closed = true;
    for (const l of closeListeners) l();
  };
  channel.addEventListener('message', onMessage);
  channel.addEventListener('close', onClose);
  const opened = new Promise<void>((resolve, reject) => {
    if (channel.readyState === 'open') return resolve();
    channel.addEventListener('open', () => resolve(), { once: true });
    channel.addEventListener(
      'close',
      () => reject(new TransportClosedError('auth channel closed before it opened')),
      {
        once: true,
      },
    );
  });
  // Whoever awaits `opened` sees the rejection; nobody awaiting it is not an error.
  opened.catch(() => {});
  return {
    opened,
    send(bytes) {
      if (closed) return;
      if (channel.readyState === 'open') channel.send(bytes.slice());
      else
        void opened.then(
          () => !closed && channel.send(bytes.slice()),
          () => {},
        );
    },
    onMessage(listener) {
      messageListeners.add(listener);
      for (const bytes of held.splice(0)) listener(bytes);
      return () => messageListeners.delete(listener);
    },
    onClose(listener) {
      if (closed) {
        queueMicrotask(listener);
        return () => {};
      }
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    dispose() {
      channel.removeEventListener('message', onMessage);
      channel.removeEventListener('close', onClose);
      messageListeners.clear();
      closeListeners.clear();
    },
  };
}
