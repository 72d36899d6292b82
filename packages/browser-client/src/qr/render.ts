/**
 * QR codes for lanrtc's QR text (`LR1:` + base45, signal-core `toQrText`): the module matrix, a
 * canvas, an SVG string and a PNG data URL. Encoding is `qrcode`'s platform-free symbol encoder
 * only (`qrcode/lib/core/qrcode.js`); drawing is a few lines here, so the package's renderers and
 * Node code never reach a page bundle, and nothing of this file is bundled unless it is imported.
 *
 * Mode: every character of the QR text is in the alphanumeric set (ISO/IEC 18004 §7.4.4: 0-9 A-Z
 * space $%*+-./:), so the text is one alphanumeric segment, 5.5 bits per character instead of 8.
 * Error correction: level M by default (~15 % of codewords recoverable, §6.5.1). The codes are shown
 * on screens, not printed and worn, so Q/H buy nothing but size; M over L survives glare, moiré and
 * a slightly blurred phone camera, for one QR version more at most for our payload sizes.
 */
import { InvalidArgumentError } from '@lanrtc/signal-core';
import { create } from 'qrcode/lib/core/qrcode.js';

/** QR error-correction levels (ISO/IEC 18004 §6.5.1): L 7 %, M 15 %, Q 25 %, H 30 %. */
export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

/** The error-correction level used unless another is asked for (see the file header for why). */
export const QR_ERROR_CORRECTION: QrErrorCorrection = 'M';

/** Quiet zone around the symbol, in modules (ISO/IEC 18004 §6.3.8 asks for 4). */
export const QR_QUIET_ZONE = 4;

/** How to draw a QR code. */
export interface QrRenderOptions {
  /** Error-correction level (default `QR_ERROR_CORRECTION`). */
  readonly errorCorrection?: QrErrorCorrection;
  /** Pixels per module (default 6); an integer, so modules stay sharp. */
  readonly scale?: number;
  /** Quiet zone in modules (default `QR_QUIET_ZONE`). */
  readonly margin?: number;
  /** CSS colour of dark modules (default `#000`). */
  readonly dark?: string;
  /** CSS colour of light modules and the quiet zone (default `#fff`). */
  readonly light?: string;
}

/** An encoded QR symbol: `modules[row * size + col]` is 1 for a dark module. */
export interface QrMatrix {
  /** Modules per side (17 + 4 × version). */
  readonly size: number;
  /** QR version 1–40. */
  readonly version: number;
  readonly modules: Uint8Array;
}

const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]+$/;

/** Encode `text` as a QR symbol (alphanumeric mode when the text allows, else byte mode). */
export function qrMatrix(text: string, options: Pick<QrRenderOptions, 'errorCorrection'> = {}): QrMatrix {
  if (text.length === 0) throw new InvalidArgumentError('QR text is empty');
  const mode = ALPHANUMERIC.test(text) ? 'alphanumeric' : 'byte';
  try {
    const symbol = create([{ data: text, mode }], {
      errorCorrectionLevel: options.errorCorrection ?? QR_ERROR_CORRECTION,
    });
    return { size: symbol.modules.size, version: symbol.version, modules: symbol.modules.data };
  } catch (error) {
    // qrcode throws a plain Error when the data exceeds version 40 at this level.
    throw new InvalidArgumentError('text does not fit in a QR code', { cause: error });
  }
}

function layout(text: string, options: QrRenderOptions) {
  const scale = options.scale ?? 6;
  const margin = options.margin ?? QR_QUIET_ZONE;
  if (!Number.isInteger(scale) || scale < 1 || scale > 64) throw new InvalidArgumentError('bad QR scale');
  if (!Number.isInteger(margin) || margin < 0 || margin > 64) throw new InvalidArgumentError('bad QR margin');
  const matrix = qrMatrix(text, options);
  return { matrix, scale, margin, pixels: (matrix.size + 2 * margin) * scale };
}

/** Draw `text` as a QR code on `canvas` (resized to fit; a new `<canvas>` when absent) and return it. */
export function renderQrToCanvas(
  text: string,
  canvas: HTMLCanvasElement = document.createElement('canvas'),
  options: QrRenderOptions = {},
): HTMLCanvasElement {
  const { matrix, scale, margin, pixels } = layout(text, options);
  canvas.width = pixels;
  canvas.height = pixels;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new InvalidArgumentError('canvas has no 2d context');
  ctx.fillStyle = options.light ?? '#fff';
  ctx.fillRect(0, 0, pixels, pixels);
  ctx.fillStyle = options.dark ?? '#000';
  for (let row = 0; row < matrix.size; row++) {
    for (let col = 0; col < matrix.size; col++) {
      if (matrix.modules[row * matrix.size + col]) {
        ctx.fillRect((col + margin) * scale, (row + margin) * scale, scale, scale);
      }
    }
  }
  return canvas;
}

/** `text` as a standalone SVG document string (one path, crisp edges, `scale` px per module). */
export function renderQrSvg(text: string, options: QrRenderOptions = {}): string {
  const { matrix, margin, pixels } = layout(text, options);
  const side = matrix.size + 2 * margin;
  let path = '';
  for (let row = 0; row < matrix.size; row++) {
    for (let col = 0; col < matrix.size; col++) {
      if (matrix.modules[row * matrix.size + col]) path += `M${col + margin} ${row + margin}h1v1h-1z`;
    }
  }
  const attr = (value: string) => value.replace(/[<>&"]/g, '');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${pixels}" height="${pixels}" ` +
    `viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">` +
    `<rect width="${side}" height="${side}" fill="${attr(options.light ?? '#fff')}"/>` +
    `<path d="${path}" fill="${attr(options.dark ?? '#000')}"/></svg>`
  );
}

/** `text` as a QR code in a `data:image/png;base64,…` URL (drawn on a detached canvas). */
export function renderQrDataUrl(text: string, options: QrRenderOptions = {}): string {
  return renderQrToCanvas(text, document.createElement('canvas'), options).toDataURL('image/png');
}
