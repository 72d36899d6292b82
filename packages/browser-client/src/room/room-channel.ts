/**
 * The native `RTCDataChannel` as the rooms layer's `RoomChannel`, and how a browser agent opens
 * (player) and accepts (host) the two room channels on its session peer.
 */
import type { RoomChannel, RoomPlatform } from '@lanrtc/signal-core/room';
import { ROOM_CHANNEL_LABEL, ROOM_FAST_CHANNEL_LABEL } from '@lanrtc/signal-core/room';
import type { BrowserSessionPeer } from '../session-peer.js';

/** The chain's resting value: nothing pending, so a message can be handed over at once. */
const settled: Promise<void> = Promise.resolve();

/** Adapt one open native DataChannel. */
export function browserRoomChannel(channel: RTCDataChannel): RoomChannel {
  channel.binaryType = 'arraybuffer';
  // A message captured before `binaryType` was set may be a Blob: its bytes come asynchronously, so
  // every message goes through one chain to keep the channel's order.
  let chain: Promise<void> = settled;
  return {
    send(data) {
      channel.send(data as Uint8Array<ArrayBuffer>);
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
      const handler = () => listener();
      channel.addEventListener('bufferedamountlow', handler);
      return () => channel.removeEventListener('bufferedamountlow', handler);
    },
    onMessage(listener) {
      let live = true;
      const handler = (event: MessageEvent) => {
        const data: unknown = event.data;
        if (data instanceof ArrayBuffer && chain === settled) return listener(new Uint8Array(data));
        chain = chain.then(async () => {
          if (!live) return;
          if (data instanceof ArrayBuffer) listener(new Uint8Array(data));
          else if (data instanceof Blob) listener(new Uint8Array(await data.arrayBuffer()));
          else listener(new TextEncoder().encode(String(data)));
        });
        const mine = chain;
        void mine.then(() => {
          if (chain === mine) chain = settled;
        });
      };
      channel.addEventListener('message', handler);
      return () => {
        live = false;
        channel.removeEventListener('message', handler);
      };
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
      channel.addEventListener('close', fire);
      channel.addEventListener('closing', fire);
      return () => {
        done = true;
        channel.removeEventListener('close', fire);
        channel.removeEventListener('closing', fire);
      };
    },
    close() {
      channel.close();
    },
  };
}
/** The browser platform of the rooms layer. */
export const browserRoomPlatform: RoomPlatform<BrowserSessionPeer> = {
  async openChannels(peer) {
    peer.createDataChannel(ROOM_CHANNEL_LABEL, { ordered: true }).binaryType = 'arraybuffer';
    // RFC 8831 §6.1: partial reliability with no retransmission, unordered — a lost snapshot stays lost.
    peer.createDataChannel(ROOM_FAST_CHANNEL_LABEL, { ordered: false, maxRetransmits: 0 }).binaryType =
      'arraybuffer';
    return browserRoomPlatform.acceptChannels(peer);
  },
  async acceptChannels(peer) {
    const [reliable, unreliable] = await Promise.all([
      peer.channel(ROOM_CHANNEL_LABEL),
      peer.channel(ROOM_FAST_CHANNEL_LABEL),
    ]);
    return { reliable: browserRoomChannel(reliable), unreliable: browserRoomChannel(unreliable) };
  },
};
