/**
 * QR codes for a terminal with `qrcode`: two modules per character cell (half blocks). On a TTY
 * the ANSI "small terminal" renderer paints dark-on-light whatever the terminal's colours are (a
 * scanner needs that); elsewhere (pipes, files, tests) plain UTF-8 half blocks without escapes.
 */
import QRCode from 'qrcode';

/** Error correction for terminal QR codes: M (15 %) — a screen is clean, but glare and moiré are real. */
export const TERMINAL_QR_ERROR_CORRECTION = 'M';

/** Render `text` as a QR code for a terminal (`ansi`) or as plain UTF-8 half blocks. */
export async function renderTerminalQr(text: string, ansi: boolean): Promise<string> {
  if (ansi)
    return QRCode.toString(text, {
      type: 'terminal',
      small: true,
      errorCorrectionLevel: TERMINAL_QR_ERROR_CORRECTION,
    });
  return QRCode.toString(text, {
    type: 'utf8',
    margin: 2,
    errorCorrectionLevel: TERMINAL_QR_ERROR_CORRECTION,
  });
}
