/**
 * A werift DataChannel as signal-core's `AuthPort`: bytes in and out, messages that arrive before
 * `runDirectAuth` subscribes are held (bounded), text messages are passed on as UTF-8 bytes (the
 * runner rejects them as malformed), and the port closes when the channel or the connection does.
 */
import { type AuthPort, TransportClosedError } from '@lanrtc/signal-core';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';

const MAX_EARLY_MESSAGES = 16;

/** An `AuthPort` over `channel`; call right after creating the channel, release with `dispose()`. */
export function weriftAuthPort(
  channel: RTCDataChannel,
  pc: RTCPeerConnection,
): AuthPort & { opened(): Promise<void>; dispose(): void } {
  let early: Uint8Array[] | undefined = [];
  const messageListeners = new Set<(bytes: Uint8Array) => void>();
  const closeListeners = new Set<() => void>();
  let closed = false;
  const fireClose = () => {
    if (closed) return;
    closed = true;
    for (const l of [...closeListeners]) l();
  };
  const subs = [
    channel.onMessage.subscribe((data) => {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data);
      if (early) {
        if (early.length < MAX_EARLY_MESSAGES) early.push(bytes);
        return;
      }
      for (const l of [...messageListeners]) l(bytes);
    }),
    channel.stateChanged.subscribe((state) => {
      if (state === 'closed' || state === 'closing') fireClose();
    }),
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'closed' || state === 'failed') fireClose();
    }),
  ];
  const port = {
    send(bytes: Uint8Array) {
      if (!closed) channel.send(Buffer.from(bytes));
    },
    onMessage(listener: (bytes: Uint8Array) => void) {
      messageListeners.add(listener);
      const held = early;
      early = undefined;
      for (const bytes of held ?? []) listener(bytes);
      return () => messageListeners.delete(listener);
    },
    onClose(listener: () => void) {
      closeListeners.add(listener);
      if (closed) queueMicrotask(listener);
      return () => closeListeners.delete(listener);
    },
    opened() {
      if (channel.readyState === 'open') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const offClose = port.onClose(() => {
          sub.unSubscribe();
          reject(new TransportClosedError('auth channel closed before it opened'));
        });
        const sub = channel.stateChanged.subscribe((state) => {
          if (state !== 'open') return;
          sub.unSubscribe();
          offClose();
          resolve();
        });
      });
    },
    dispose() {
      for (const s of subs) s.unSubscribe();
      messageListeners.clear();
      closeListeners.clear();
      early = undefined;
    },
  };
  return port;
}
