/**
 * A werift DataChannel as signal-core's `AuthPort` (`channelAuthPort` does the holding and the
 * close bookkeeping): werift's events mapped onto `AuthChannel`, the port closing when the channel
 * or the connection does, and `opened()` for the moment the negotiated channel is usable.
 */
import { TransportClosedError } from '@lanrtc/signal-core';
import { type ChannelAuthPort, channelAuthPort } from '@lanrtc/signal-core/protocol';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import { describeTransport } from './connection.js';

/** A werift `AuthPort`: resolves `opened()` when the channel opens, rejects it if it closes first. */
export interface WeriftAuthPort extends ChannelAuthPort {
  opened(): Promise<void>;
  /** The auth channel itself: after authentication it carries the connection's renegotiations. */
  readonly channel: RTCDataChannel;
}

/** An `AuthPort` over `channel`; call right after creating the channel, release with `dispose()`. */
export function weriftAuthPort(channel: RTCDataChannel, pc: RTCPeerConnection): WeriftAuthPort {
  const port = channelAuthPort({
    send: (bytes) => channel.send(Buffer.from(bytes)),
    onMessage(listener) {
      const sub = channel.onMessage.subscribe((data) =>
        listener(typeof data === 'string' ? data : new Uint8Array(data)),
      );
      return () => sub.unSubscribe();
    },
    onClose(listener) {
      const subs = [
        channel.stateChanged.subscribe((state) => {
          if (state === 'closed' || state === 'closing') listener();
        }),
        pc.connectionStateChange.subscribe((state) => {
          if (state === 'closed' || state === 'failed') listener();
        }),
      ];
      return () => {
        for (const s of subs) s.unSubscribe();
      };
    },
  });
  const opened = () => {
    if (channel.readyState === 'open') return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const offClose = port.onClose(() => {
        sub.unSubscribe();
        reject(new TransportClosedError(`auth channel closed before it opened: ${describeTransport(pc)}`));
      });
      const sub = channel.stateChanged.subscribe((state) => {
        if (state !== 'open') return;
        sub.unSubscribe();
        offClose();
        resolve();
      });
    });
  };
  return Object.assign(port, { opened, channel });
}
