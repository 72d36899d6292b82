/**
 * The terminal QR code scans: what `lanrtc card --qr` prints on a TTY (characters and ANSI colours,
 * exactly) is played on a dark and on a light terminal, painted as an image, and decoded by zbarimg
 * (Debian zbar-tools, a decoder this project did not write) back to the card text on the first line;
 * and in that image every module of the 4-module quiet zone (ISO/IEC 18004 §6.3.8) is light.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import QRCode from 'qrcode';
import { afterEach, describe, expect, it } from 'vitest';
import { QUIET_ZONE_MODULES, runCli, TERMINAL_QR_ERROR_CORRECTION } from '../src/index.js';
import { memoryIo, tempConfig } from './support.js';
import {
  CELL_W,
  DARK_THEME,
  gridToPpm,
  LIGHT_THEME,
  luminanceAt,
  playTerminal,
  ppmSize,
  type TerminalTheme,
} from './terminal-image.js';

const run = promisify(execFile);

/** zbarimg's decoded symbols (`--raw`: the data only), or [] when it finds none (exit 4). */
/** Light or dark as a camera thresholds it: a luminance above mid-grey is light. */
const isLight = (ppm: Buffer, x: number, y: number) => luminanceAt(ppm, x, y) > 128;

/**
 * Where the symbol of `text` is in the image: the top-left corner (pixels) at which sampling each
 * module's centre gives exactly the symbol's modules. Modules are CELL_W pixels square.
 */
function locateSymbol(ppm: Buffer, text: string): { x: number; y: number; size: number } {
  const qr = QRCode.create(text, { errorCorrectionLevel: TERMINAL_QR_ERROR_CORRECTION });
  const size = qr.modules.size;
  const { width, height } = ppmSize(ppm);
  const m = CELL_W;
  for (let y = 0; y + size * m <= height; y += m)
    for (let x = 0; x + size * m <= width; x += m) {
      let match = true;
      for (let r = 0; r < size && match; r++)
        for (let c = 0; c < size && match; c++)
          match = isLight(ppm, x + c * m + m / 2, y + r * m + m / 2) === (qr.modules.get(r, c) !== 1);
      if (match) return { x, y, size };
    }
  throw new Error('symbol not found in the image');
}

async function zbarimg(file: string): Promise<string[]> {
  try {
    const { stdout } = await run('zbarimg', ['--quiet', '--raw', '-Sdisable', '-Sqrcode.enable', file]);
    return stdout.split('\n').filter((l) => l.length > 0);
  } catch (error) {
    const e = error as { code?: number | string };
    if (e.code === 4) return [];
    if (e.code === 'ENOENT') throw new Error('zbarimg is not installed (apt-get install zbar-tools)');
    throw error;
  }
}

describe('terminal QR codes scan on any terminal theme', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it.each([
    ['dark', DARK_THEME],
    ['light', LIGHT_THEME],
  ] as [string, TerminalTheme][])(
    'lanrtc card on a %s terminal: zbarimg reads the card text, the quiet zone is light',
    async (name, theme) => {
      const config = tempConfig();
      cleanup = config.cleanup;
      const m = memoryIo({ tty: true });
      const argv = ['card', '--config', config.dir, '--name', 'Porch', '--type', 'doorbell'];
      expect(await runCli([...argv, '--address', '10.1.2.3', '--qr'], m.io)).toBe(0);
      const output = m.stdout();
      const cardText = output.split('\n')[0] as string;
      expect(cardText).toMatch(/^LR1:/);
      expect(output).toContain('\x1b['); // a TTY gets the coloured renderer
      const image = join(config.dir, `card-${name}.ppm`);
      const ppm = gridToPpm(playTerminal(output, theme), theme);
      writeFileSync(image, ppm);
      expect(await zbarimg(image)).toEqual([cardText]);
      // The quiet zone, measured where a camera sees it: every pixel of the ring 4 modules wide.
      const symbol = locateSymbol(ppm, cardText);
      const { width, height } = ppmSize(ppm);
      const px = CELL_W;
      const q = QUIET_ZONE_MODULES * px;
      const dark: string[] = [];
      for (let y = symbol.y - q; y < symbol.y + symbol.size * px + q; y++)
        for (let x = symbol.x - q; x < symbol.x + symbol.size * px + q; x++) {
          const inside =
            x >= symbol.x &&
            y >= symbol.y &&
            x < symbol.x + symbol.size * px &&
            y < symbol.y + symbol.size * px;
          // Past the window's edge is not a quiet zone either (the terminal's frame, the desktop).
          const inImage = x >= 0 && y >= 0 && x < width && y < height;
          if (!inside && !(inImage && isLight(ppm, x, y))) dark.push(`${x},${y}`);
        }
      expect(dark.length, `dark quiet-zone pixels, first ${dark.slice(0, 3).join(' ')}`).toBe(0);
    },
  );
});
