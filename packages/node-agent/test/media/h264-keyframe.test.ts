/**
 * H.264 keyframe detection on RTP payloads built by hand from RFC 6184 (§5.3 NAL unit header,
 * §5.6 single NAL unit packet, §5.7.1 STAP-A, §5.8 FU-A) with NAL unit types from ITU-T H.264
 * Table 7-1 (1 non-IDR slice, 5 IDR slice, 6 SEI, 7 SPS, 8 PPS), and the per-access-unit detector a
 * source uses: the first packet of a keyframe's access unit counts, later ones of it do not.
 */

import { describe, expect, it } from 'vitest';
import { RtpHeader, RtpPacket } from 'werift';
import { h264NalUnitTypes, isH264KeyframeStart } from '../../src/index.js';
import { createKeyframeDetector } from '../../src/media/keyframe-detector.js';

/** NAL unit header (§5.3): F=0, NRI=3, type. */
const nal = (type: number, ...body: number[]) => [0x60 | type, ...body];
/** STAP-A (§5.7.1, Figure 7): header type 24, then each unit as a 16-bit size and the unit. */
const stapA = (...units: number[][]) => [
  0x78,
  ...units.flatMap((u) => [u.length >> 8, u.length & 0xff, ...u]),
];
/** FU-A (§5.8, Figures 14–15): FU indicator type 28, FU header S|E|R|type, a fragment. */
const fuA = (type: number, start: boolean, end: boolean) => [
  0x7c,
  (start ? 0x80 : 0) | (end ? 0x40 : 0) | type,
  0xaa,
  0xbb,
];
const SPS = nal(7, 0x42, 0xe0, 0x1f);
const PPS = nal(8, 0xce, 0x38, 0x80);

const table: [string, number[], number[], boolean][] = [
  ['single NAL: IDR slice', nal(5, 0x88, 0x84), [5], true],
  ['single NAL: SPS', SPS, [7], true],
  ['single NAL: PPS alone', PPS, [8], false],
  ['single NAL: non-IDR slice', nal(1, 0x9a), [1], false],
  ['single NAL: SEI', nal(6, 0x05), [6], false],
  ['STAP-A: SPS, PPS, SEI (what ffmpeg sends first)', stapA(SPS, PPS, nal(6, 1, 2)), [7, 8, 6], true],
  ['STAP-A: PPS and an IDR slice', stapA(PPS, nal(5, 0x88)), [8, 5], true],
  ['STAP-A: two non-IDR slices', stapA(nal(1, 1), nal(1, 2)), [1, 1], false],
  ['STAP-A: a size past the end is cut off', [0x78, 0x00, 0x10, 0x67, 0x42], [], false],
  ['STAP-A: a zero size ends it', [0x78, 0x00, 0x00, 0x65], [], false],
  ['FU-A: start of an IDR slice', fuA(5, true, false), [5], true],
  ['FU-A: middle of an IDR slice', fuA(5, false, false), [], false],
  ['FU-A: end of an IDR slice', fuA(5, false, true), [], false],
  ['FU-A: start of a non-IDR slice', fuA(1, true, false), [1], false],
  ['FU-A: header missing', [0x7c], [], false],
  ['FU-B (type 29, not in mode 1)', [0x7d, 0x85, 0, 1], [], false],
  ['STAP-B (type 25)', [0x79, 0, 0, 0, 3, 0x65, 0, 0], [], false],
  ['type 0 (reserved)', [0x00, 1, 2], [], false],
  ['empty payload', [], [], false],
];

describe('isH264KeyframeStart (RFC 6184 payloads)', () => {
  it.each(table)('%s', (_name, bytes, types, key) => {
    const payload = Uint8Array.from(bytes);
    expect(h264NalUnitTypes(payload)).toEqual(types);
    expect(isH264KeyframeStart(payload)).toBe(key);
  });
});

describe('createKeyframeDetector', () => {
  const packet = (timestamp: number, bytes: number[]) =>
    new RtpPacket(new RtpHeader({ timestamp, payloadType: 96 }), Buffer.from(bytes));

  it('H.264: only the first packet of a keyframe access unit starts it (the SPS/PPS, not the IDR fragments)', () => {
    const detect = createKeyframeDetector('h264');
    // The packets ffmpeg sends for an IDR picture of two slices, then a P frame, then the next IDR.
    const stream: [number, number[], boolean][] = [
      [3000, stapA(SPS, PPS), true],
      [3000, fuA(5, true, false), false],
      [3000, fuA(5, false, true), false],
      [3000, fuA(5, true, false), false],
      [3000, fuA(5, false, true), false],
      [6000, nal(1, 0x9a), false],
      [9000, stapA(SPS, PPS), true],
      [9000, fuA(5, true, true), false],
    ];
    expect(stream.map(([ts, bytes]) => detect(packet(ts, bytes)))).toEqual(stream.map(([, , key]) => key));
  });

  it('H.264 without in-band parameter sets: the first IDR fragment starts the keyframe', () => {
    const detect = createKeyframeDetector('h264');
    expect([detect(packet(1, fuA(5, true, false))), detect(packet(1, fuA(5, true, false)))]).toEqual([
      true,
      false,
    ]);
  });

  it('VP8: every key frame start counts, whatever its timestamp', () => {
    const detect = createKeyframeDetector('vp8');
    // RFC 7741 §4.2: S=1, PID=0, no X; §4.3: P=0 (key frame).
    const key = [0x10, 0x00];
    expect([detect(packet(5, key)), detect(packet(5, key)), detect(packet(5, [0x10, 0x01]))]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
