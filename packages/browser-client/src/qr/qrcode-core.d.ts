/**
 * Types for the one part of `qrcode` 1.5.4 browser-client uses: the symbol encoder in
 * `lib/core/qrcode.js`, which is platform-free (no canvas, no Node streams). Importing it directly
 * keeps the renderers and `@types/qrcode`'s Node typings out of the browser build.
 */
declare module 'qrcode/lib/core/qrcode.js' {
  /** A segment with its mode forced (ISO/IEC 18004 §7.4). */
  export interface QrSegmentInit {
    data: string;
    mode: 'numeric' | 'alphanumeric' | 'byte';
  }
  /** The encoded symbol: `modules.data[row * size + col]` is 1 for a dark module. */
  export interface QrSymbol {
    modules: { size: number; data: Uint8Array };
    version: number;
    maskPattern: number;
  }
  export function create(
    data: string | QrSegmentInit[],
    options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'; version?: number },
  ): QrSymbol;
}
