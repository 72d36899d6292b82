/**
 * werift's `RTCDataChannel` as the rooms layer's `RoomChannel`, and how a Node agent opens (player)
 * and accepts (host) the two room channels on its session peer.
 */
import type { RoomChannel, RoomPlatform } from '@lanrtc/signal-core/room';
import { ROOM_CHANNEL_LABEL, ROOM_FAST_CHANNEL_LABEL } from '@lanrtc/signal-core/room';
import type { RTCDataChannel } from 'werift';
import type { WeriftSessionPeer } from '../session-peer.js';

/** Adapt one open werift DataChannel. */
export function weriftRoomChannel(channel: RTCDataChannel): RoomChannel {
  return {
    send(data) {
      channel.send(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    },
    get bufferedAmount() {
      return channel.bufferedAmount;
    },
    get bufferedAmountLowThreshold() {
      return channel.bufferedAmountLowThreshold;
    },
    set bufferedAmountLowThreshold(value) {
      channel.bufferedAmountLowThreshold = value;
    },
    onBufferedAmountLow(listener) {
      const sub = channel.bufferedAmountLow.subscribe(() => listener());
      return () => sub.unSubscribe();
    },
    onMessage(listener) {
      const sub = channel.onMessage.subscribe((data) => {
        listener(typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data));
      });
      return () => sub.unSubscribe();
    },
    onClose(listener) {
      let done = false;
      const fire = () => {
        if (done) return;
        done = true;
        listener();
      };
      if (channel.readyState === 'closed' || channel.readyState === 'closing') {
        queueMicrotask(fire);
        return () => {
          done = true;
        };
      }
      const sub = channel.stateChanged.subscribe((state) => {
        if (state === 'closed' || state === 'closing') fire();
      });
      return () => {
        done = true;
        sub.unSubscribe();
      };
    },
    close() {
      if (channel.readyState !== 'closed') channel.close();
    },
  };
}

/** The Node platform of the rooms layer. */
export const weriftRoomPlatform: RoomPlatform<WeriftSessionPeer> = {
  async openChannels(peer) {
    peer.createDataChannel(ROOM_CHANNEL_LABEL, { ordered: true });
    // RFC 8831 §6.1: partial reliability with no retransmission, unordered — a lost snapshot stays lost.
    peer.createDataChannel(ROOM_FAST_CHANNEL_LABEL, { ordered: false, maxRetransmits: 0 });
    return weriftRoomPlatform.acceptChannels(peer);
  },
  async acceptChannels(peer) {
    const [reliable, unreliable] = await Promise.all([
      peer.channel(ROOM_CHANNEL_LABEL),
      peer.channel(ROOM_FAST_CHANNEL_LABEL),
    ]);
    return { reliable: weriftRoomChannel(reliable), unreliable: weriftRoomChannel(unreliable) };
  },
};
