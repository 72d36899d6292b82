/**
 * One viewer's rewriting of RTP sequence number, timestamp and (VP8 only) picture ID, so the cached
 * GOP can be sent again into a running stream when the viewer asks for a keyframe (PLI/FIR): the
 * replayed packets continue right after the last ones sent, and the live packets after them keep
 * counting. H.264 has no picture ID in its RTP payload (RFC 6184 §5.3): its NAL units pass untouched.
 */
import type { RtpPacket } from 'werift';
import type { VideoCodecName } from './video-codec.js';

/** Byte offset and width (7 or 15 bits) of the picture ID in a VP8 payload descriptor (RFC 7741 §4.2), if any. */
export function vp8PictureIdField(payload: Uint8Array): { offset: number; bits: 7 | 15 } | undefined {
  const first = payload[0];
  const ext = payload[1];
  if (first === undefined || !(first & 0x80) || ext === undefined || !(ext & 0x80)) return undefined;
  const pid = payload[2];
  if (pid === undefined) return undefined;
  return pid & 0x80 ? { offset: 2, bits: 15 } : { offset: 2, bits: 7 };
}

function readPictureId(payload: Uint8Array): number | undefined {
  const f = vp8PictureIdField(payload);
  if (!f) return undefined;
  const hi = payload[f.offset] ?? 0;
  return f.bits === 15 ? ((hi & 0x7f) << 8) | (payload[f.offset + 1] ?? 0) : hi & 0x7f;
}

function writePictureId(payload: Uint8Array, id: number): void {
  const f = vp8PictureIdField(payload);
  if (!f) return;
  if (f.bits === 15) {
    payload[f.offset] = 0x80 | ((id >> 8) & 0x7f);
    payload[f.offset + 1] = id & 0xff;
  } else payload[f.offset] = id & 0x7f;
}

/** Offsets one viewer's packets carry; all zero until the first splice. */
export class VideoSplicer {
  readonly #vp8: boolean;
  #seq = 0;
  #ts = 0;
  #pic = 0;
  #last: { seq: number; ts: number; pic: number | undefined } | undefined;

  /** A splicer for one viewer's stream of `codec` packets. */
  constructor(codec: VideoCodecName) {
    this.#vp8 = codec === 'vp8';
  }

  #pictureId(payload: Uint8Array): number | undefined {
    return this.#vp8 ? readPictureId(payload) : undefined;
  }

  /** Rewrite `p` (a copy owned by this viewer) with the current offsets and remember it as the last sent. */
  rewrite(p: RtpPacket): RtpPacket {
    const h = p.header;
    h.sequenceNumber = (h.sequenceNumber + this.#seq) & 0xffff;
    h.timestamp = (h.timestamp + this.#ts) >>> 0;
    let pic = this.#pictureId(p.payload);
    if (pic !== undefined && this.#pic !== 0) {
      pic = (pic + this.#pic) & 0x7fff;
      // The payload may share memory with the packet other viewers get: change a copy.
      p.payload = Buffer.from(p.payload);
      writePictureId(p.payload, pic);
    }
    this.#last = { seq: h.sequenceNumber, ts: h.timestamp, pic };
    return p;
  }

  /**
   * Set the offsets so that `replay` (a GOP from `GopCache.replay`, oldest first) follows the last
   * packet sent: sequence numbers and picture IDs go on by one, the keyframe's timestamp is one tick
   * after the last one sent (RFC 3550 §5.1: both only have to increase), and the live packets that
   * follow keep the same offsets. Returns the rewritten packets.
   */
  splice(replay: RtpPacket[]): RtpPacket[] {
    const first = replay[0];
    if (first && this.#last) {
      const last = this.#last;
      this.#seq = (last.seq + 1 - first.header.sequenceNumber) & 0xffff;
      this.#ts = (last.ts + 1 - first.header.timestamp) >>> 0;
      const pic = this.#pictureId(first.payload);
      if (pic !== undefined && last.pic !== undefined) this.#pic = (last.pic + 1 - pic) & 0x7fff;
    }
    return replay.map((p) => this.rewrite(p));
  }
}
