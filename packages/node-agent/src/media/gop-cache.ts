/**
 * The RTP packets of the current group of pictures (the last VP8 keyframe and every packet after it),
 * so a new viewer starts decoding at once instead of waiting for the encoder's next keyframe.
 */
import { RtpPacket } from 'werift';

/** Packets kept at most (about 1.4 MB); a longer GOP is dropped and new viewers wait for a keyframe. */
export const MAX_GOP_PACKETS = 1_200;

/** The current GOP's packets in arrival order; `push` starts over at every keyframe. */
export class GopCache {
  #packets: Buffer[] = [];
  #valid = false;

  /** Record a packet; `keyframeStart` marks the first packet of a key frame. */
  push(packet: Buffer, keyframeStart: boolean): void {
    if (keyframeStart) {
      this.#packets = [];
      this.#valid = true;
    }
    if (!this.#valid) return;
    if (this.#packets.length >= MAX_GOP_PACKETS) {
      this.#packets = [];
      this.#valid = false;
      return;
    }
    this.#packets.push(packet);
  }

  /** Number of packets held. */
  get size(): number {
    return this.#packets.length;
  }

  /**
   * Copies of the held packets for one viewer (each sender rewrites the packets it is given). With
   * `squeeze`, all but the newest frame get timestamps one tick apart just below the newest frame's,
   * so a replay spliced into a running stream moves its timestamps on by a few ticks instead of by
   * the GOP's age (RFC 3550 §5.1: a timestamp only has to increase); sequence numbers stay as sent.
   */
  replay(squeeze: boolean): RtpPacket[] {
    const packets = this.#packets.map((b) => RtpPacket.deSerialize(b));
    const last = packets.at(-1);
    if (!last || !squeeze) return packets;
    const frames: number[] = [];
    for (const p of packets) if (frames.at(-1) !== p.header.timestamp) frames.push(p.header.timestamp);
    const newest = last.header.timestamp;
    for (const p of packets) {
      const age = frames.length - 1 - frames.lastIndexOf(p.header.timestamp);
      p.header.timestamp = (newest - age + 0x1_0000_0000) % 0x1_0000_0000;
    }
    return packets;
  }

  /** Forget everything (the source restarted or closed). */
  clear(): void {
    this.#packets = [];
    this.#valid = false;
  }
}
