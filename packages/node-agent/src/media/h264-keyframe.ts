/**
 * H.264 keyframe detection from an RTP payload (RFC 6184), so a new viewer can be given the stream
 * from its last keyframe on, starting at the sequence and picture parameter sets that precede it.
 */

/** NAL unit types (ITU-T H.264 Table 7-1) and RTP payload structures (RFC 6184 §5.2, Table 1). */
const NAL_IDR_SLICE = 5;
const NAL_SPS = 7;
const STAP_A = 24;
const FU_A = 28;

/**
 * The NAL unit types a packet carries: one for a single NAL unit packet (RFC 6184 §5.6), each
 * aggregated unit's for a STAP-A (§5.7.1), and the fragmented unit's for the first fragment of an
 * FU-A (§5.8, S bit set; later fragments continue a unit already counted, so they give none).
 * Other structures (STAP-B, MTAP, FU-B: not in packetization mode 1) and malformed packets give none.
 */
export function h264NalUnitTypes(payload: Uint8Array): number[] {
  const first = payload[0];
  if (first === undefined) return [];
  const type = first & 0x1f;
  if (type >= 1 && type <= 23) return [type];
  if (type === STAP_A) {
    const types: number[] = [];
    // §5.7.1: after the STAP-A header, each unit is a 16-bit size then the NAL unit itself.
    for (let offset = 1; offset + 2 < payload.length; ) {
      const size = ((payload[offset] ?? 0) << 8) | (payload[offset + 1] ?? 0);
      const header = payload[offset + 2];
      if (size === 0 || header === undefined || offset + 2 + size > payload.length) return types;
      types.push(header & 0x1f);
      offset += 2 + size;
    }
    return types;
  }
  if (type === FU_A) {
    const fuHeader = payload[1];
    // §5.8: FU header = S | E | R | type; only the start fragment begins a NAL unit.
    if (fuHeader === undefined || !(fuHeader & 0x80)) return [];
    return [fuHeader & 0x1f];
  }
  return [];
}

/**
 * True when this H.264 RTP payload begins a keyframe's NAL units: it carries a sequence parameter
 * set (which an encoder sends right before an IDR picture) or the start of an IDR slice.
 */
export function isH264KeyframeStart(payload: Uint8Array): boolean {
  return h264NalUnitTypes(payload).some((t) => t === NAL_SPS || t === NAL_IDR_SLICE);
}
