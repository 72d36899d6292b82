/**
 * QR codes for a terminal: `qrcode` makes the modules, this file draws them two per character cell
 * (half blocks) with the 4-module light quiet zone ISO/IEC 18004 §6.3.8 requires. On a TTY every
 * cell is painted explicitly — black on white from the fixed 256-colour cube (16 = #000000,
 * 231 = #ffffff), which no terminal theme remaps — so the code scans on a dark or a light terminal
 * alike; elsewhere (pipes, files, tests) the same half blocks without escapes, glyphs drawing the
 * dark modules (as on paper).
 */
import QRCode from 'qrcode';

/** Error correction for terminal QR codes: M (15 %) — a screen is clean, but glare and moiré are real. */
export const TERMINAL_QR_ERROR_CORRECTION = 'M';

/** Light modules around the symbol (ISO/IEC 18004 §6.3.8: at least 4). */
export const QUIET_ZONE_MODULES = 4;

// SGR 38;5 / 48;5 (ISO 8613-6 indexed colours): 16 and 231 are the cube's corners, not theme slots.
const DARK_ON_LIGHT = '\x1b[38;5;16;48;5;231m';
const RESET = '\x1b[0m';

/** Render `text` as a QR code for a terminal (`ansi`) or as plain UTF-8 half blocks. */
export async function renderTerminalQr(text: string, ansi: boolean): Promise<string> {
  const qr = QRCode.create(text, { errorCorrectionLevel: TERMINAL_QR_ERROR_CORRECTION });
  const size = qr.modules.size;
  const span = size + 2 * QUIET_ZONE_MODULES;
  const dark = (x: number, y: number): boolean => {
    const mx = x - QUIET_ZONE_MODULES;
    const my = y - QUIET_ZONE_MODULES;
    return mx >= 0 && my >= 0 && mx < size && my < size && qr.modules.get(my, mx) === 1;
  };
  const lines: string[] = [];
  // `span` is odd: the last cell row's lower half is one more light row, beyond the quiet zone.
  for (let y = 0; y < span; y += 2) {
    let line = '';
    for (let x = 0; x < span; x++) {
      const top = dark(x, y);
      const bottom = dark(x, y + 1);
      line += top ? (bottom ? '█' : '▀') : bottom ? '▄' : ' ';
    }
    lines.push(ansi ? `${DARK_ON_LIGHT}${line}${RESET}` : line);
  }
  return lines.join('\n');
}
