/**
 * QR encoding and the Y4M test helper, in Node (no DOM needed): lanrtc QR text is encoded as one
 * alphanumeric segment at error-correction level M, sizes are as the QR tables say, oversized
 * text is a typed error, the SVG draws exactly the dark modules, and the Y4M file is well-formed.
 */
import { InvalidArgumentError } from '@lanrtc/signal-core';
import { toQrText } from '@lanrtc/signal-core/codec';
import { describe, expect, it } from 'vitest';
import { QR_ERROR_CORRECTION, qrMatrix, renderQrSvg } from '../../src/qr/render.js';
import { padFrame, qrToGrey, toY4m } from '../qr-e2e/y4m.js';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);

describe('qrMatrix', () => {
  it('uses alphanumeric mode at level M: the smallest version whose capacity fits', () => {
    expect(QR_ERROR_CORRECTION).toBe('M');
    // ISO/IEC 18004 Table 7, alphanumeric capacity at level M: v5 122, v6 154, v7 178, v8 221, v9 262.
    const cases: [number, number][] = [
      [122, 5],
      [123, 6],
      [154, 6],
      [155, 7],
      [221, 8],
      [222, 9],
    ];
    for (const [chars, version] of cases) {
      const text = `LR1:${'A1'.repeat(chars)}`.slice(0, chars);
      const m = qrMatrix(text);
      expect({ chars, version: m.version, size: m.size }).toEqual({
        chars,
        version,
        size: 17 + 4 * version,
      });
    }
    // 154 characters in byte mode (lower case is not alphanumeric) need version 9 (byte capacity at M: v8 152, v9 180).
    expect(qrMatrix(`lr1:${'a1'.repeat(80)}`.slice(0, 154)).version).toBe(9);
  });

  it('fits real QR text (base45 of 150 bytes = 229 chars) in version 9-M and honours a chosen level', () => {
    const text = toQrText(bytes(150));
    expect(text).toHaveLength(4 + 225);
    expect(qrMatrix(text).version).toBe(9);
    // Alphanumeric capacity at L (ISO/IEC 18004 Table 7): v7 224, v8 279.
    expect(qrMatrix(text, { errorCorrection: 'L' }).version).toBe(8);
  });

  it('rejects empty and oversized text with InvalidArgumentError', () => {
    expect(() => qrMatrix('')).toThrow(InvalidArgumentError);
    // Version 40-M holds 3391 alphanumeric characters.
    expect(() => qrMatrix('A'.repeat(3392))).toThrow(InvalidArgumentError);
    expect(qrMatrix('A'.repeat(3391)).version).toBe(40);
  });

  it('renders SVG with one 1×1 square per dark module and the quiet zone in the viewBox', () => {
    const text = toQrText(bytes(40));
    const m = qrMatrix(text);
    const svg = renderQrSvg(text, { scale: 3 });
    const side = m.size + 8;
    expect(svg).toContain(`viewBox="0 0 ${side} ${side}"`);
    expect(svg).toContain(`width="${side * 3}"`);
    const squares = svg.match(/M\d+ \d+h1v1h-1z/g) ?? [];
    expect(squares.length).toBe(m.modules.reduce((n, b) => n + b, 0));
    // Attribute injection through colours is stripped.
    expect(renderQrSvg(text, { dark: '"/><script>' })).not.toContain('<script>');
    expect(() => renderQrSvg(text, { scale: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('Y4M helper', () => {
  it('writes a header, one FRAME and planar 4:2:0 planes of an even, padded picture', () => {
    const grey = qrToGrey(qrMatrix(toQrText(bytes(20))), 5, 4);
    const frame = padFrame(grey);
    expect([frame.width % 2, frame.height % 2]).toEqual([0, 0]);
    expect(frame.width).toBeGreaterThanOrEqual(640);
    const file = toY4m(frame);
    const header = `YUV4MPEG2 W${frame.width} H${frame.height} F10:1 Ip A1:1 C420jpeg\nFRAME\n`;
    expect(new TextDecoder().decode(file.subarray(0, header.length))).toBe(header);
    expect(file.length).toBe(header.length + frame.width * frame.height * 1.5);
    expect(file[file.length - 1]).toBe(128);
    // The QR's top-left finder pattern is dark, its quiet zone white.
    const top = Math.floor((frame.height - grey.height) / 2);
    const left = Math.floor((frame.width - grey.width) / 2);
    expect(frame.luma[(top + 4 * 5) * frame.width + left + 4 * 5]).toBe(0);
    expect(frame.luma[(top + 2) * frame.width + left + 2]).toBe(255);
    expect(() => toY4m({ width: 3, height: 2, luma: new Uint8Array(6) })).toThrow(RangeError);
  });
});
