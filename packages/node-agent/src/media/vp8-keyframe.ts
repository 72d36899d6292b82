/**
 * VP8 keyframe detection from an RTP payload, so a new viewer can be given the stream from its last
 * keyframe on (RFC 7741 §4.2 payload descriptor, §4.3 payload header).
 */

/** True when this VP8 RTP payload starts a key frame (first packet of partition 0 with the P bit clear). */
export function isVp8KeyframeStart(payload: Uint8Array): boolean {
  const first = payload[0];
  if (first === undefined) return false;
  // RFC 7741 §4.2: S (start of partition) = bit 4, PID (partition index) = low 3 bits.
  const start = (first & 0x10) !== 0;
  const partition = first & 0x07;
  if (!start || partition !== 0) return false;
  let offset = 1;
  if (first & 0x80) {
    // X: extension byte with I (picture ID), L (TL0PICIDX), T (TID), K (KEYIDX).
    const ext = payload[offset++];
    if (ext === undefined) return false;
    if (ext & 0x80) {
      const pid = payload[offset];
      if (pid === undefined) return false;
      offset += pid & 0x80 ? 2 : 1; // M bit: a 15-bit picture ID
    }
    if (ext & 0x40) offset += 1;
    if (ext & 0x30) offset += 1;
  }
  const header = payload[offset];
  // RFC 7741 §4.3: P (inverse key frame flag) is bit 0 of the first payload header byte; 0 = key frame.
  return header !== undefined && (header & 0x01) === 0;
}
