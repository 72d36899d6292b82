/**
 * A small terminal for the QR scan test: plays what the CLI printed (UTF-8 text + SGR colour escapes)
 * onto a character grid of a terminal with a given theme, and paints that grid as a binary PPM image
 * (cells 8 × 16 pixels, half blocks split at 8), the way a screen shows it to a phone camera.
 */

/** Colours of a terminal theme: default foreground/background and the 16 palette slots it remaps. */
export interface TerminalTheme {
  readonly foreground: Rgb;
  readonly background: Rgb;
  /** Slots 0–15 (SGR 30–37/40–47 are 0–7, 90–97/100–107 are 8–15). */
  readonly palette: readonly Rgb[];
}

type Rgb = readonly [number, number, number];

const hex = (h: string): Rgb => [
  Number.parseInt(h.slice(1, 3), 16),
  Number.parseInt(h.slice(3, 5), 16),
  Number.parseInt(h.slice(5, 7), 16),
];

// GNOME Terminal's Tango palette, the default of many Linux terminals.
const TANGO = [
  '#2e3436',
  '#cc0000',
  '#4e9a06',
  '#c4a000',
  '#3465a4',
  '#75507b',
  '#06989a',
  '#d3d7cf',
  '#555753',
  '#ef2929',
  '#8ae234',
  '#fce94f',
  '#729fcf',
  '#ad7fa8',
  '#34e2e2',
  '#eeeeec',
].map(hex);

/** A dark terminal: light grey on near-black. */
export const DARK_THEME: TerminalTheme = {
  foreground: hex('#d0d0d0'),
  background: hex('#1e1e1e'),
  palette: TANGO,
};
/** A light terminal: black on white. */
export const LIGHT_THEME: TerminalTheme = {
  foreground: hex('#171421'),
  background: hex('#ffffff'),
  palette: TANGO,
};

/** Pixels of one character cell: 8 wide, 16 high, so a half block is a square of 8. */
export const CELL_W = 8;
const CELL_H = 16;
/** Empty cells of terminal background around the output, as in a real window. */
const MARGIN_CELLS = 2;

interface Cell {
  readonly ch: string;
  readonly fg: Rgb;
  readonly bg: Rgb;
}

/** xterm's 256-colour table: 16 theme slots, the 6×6×6 cube, 24 greys. */
function indexed(n: number, theme: TerminalTheme): Rgb {
  if (n < 16) return theme.palette[n] as Rgb;
  if (n < 232) {
    const v = (i: number) => (i === 0 ? 0 : 55 + 40 * i);
    const c = n - 16;
    return [v(Math.floor(c / 36)), v(Math.floor(c / 6) % 6), v(c % 6)];
  }
  const g = 8 + 10 * (n - 232);
  return [g, g, g];
}

/** Play `output` onto a grid (one row per line) with `theme`'s colours. */
export function playTerminal(output: string, theme: TerminalTheme): Cell[][] {
  const rows: Cell[][] = [[]];
  let fg = theme.foreground;
  let bg = theme.background;
  const chars = [...output];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\x1b' && chars[i + 1] === '[') {
      let j = i + 2;
      let params = '';
      while (j < chars.length && /[0-9;]/.test(chars[j] as string)) params += chars[j++];
      if (chars[j] !== 'm') throw new Error(`unexpected escape ESC[${params}${chars[j]}`);
      const codes = params === '' ? [0] : params.split(';').map(Number);
      for (let k = 0; k < codes.length; k++) {
        const c = codes[k] as number;
        if (c === 0) [fg, bg] = [theme.foreground, theme.background];
        else if (c === 39) fg = theme.foreground;
        else if (c === 49) bg = theme.background;
        else if (c >= 30 && c <= 37) fg = theme.palette[c - 30] as Rgb;
        else if (c >= 40 && c <= 47) bg = theme.palette[c - 40] as Rgb;
        else if (c >= 90 && c <= 97) fg = theme.palette[c - 90 + 8] as Rgb;
        else if (c >= 100 && c <= 107) bg = theme.palette[c - 100 + 8] as Rgb;
        else if ((c === 38 || c === 48) && codes[k + 1] === 5) {
          const rgb = indexed(codes[k + 2] as number, theme);
          if (c === 38) fg = rgb;
          else bg = rgb;
          k += 2;
        } else if ((c === 38 || c === 48) && codes[k + 1] === 2) {
          const rgb: Rgb = [codes[k + 2] as number, codes[k + 3] as number, codes[k + 4] as number];
          if (c === 38) fg = rgb;
          else bg = rgb;
          k += 4;
        } else throw new Error(`unsupported SGR ${c}`);
      }
      i = j;
    } else if (ch === '\n') rows.push([]);
    else if (ch === '\r') throw new Error('carriage return in output');
    else (rows[rows.length - 1] as Cell[]).push({ ch, fg, bg });
  }
  return rows;
}

/** Paint a grid as a binary PPM (P6) image. */
export function gridToPpm(rows: Cell[][], theme: TerminalTheme): Buffer {
  const cols = Math.max(...rows.map((r) => r.length)) + 2 * MARGIN_CELLS;
  const width = cols * CELL_W;
  const height = (rows.length + 2 * MARGIN_CELLS) * CELL_H;
  const header = Buffer.from(`P6\n${width} ${height}\n255\n`);
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) pixels.set(theme.background, i * 3);
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      const x0 = (c + MARGIN_CELLS) * CELL_W;
      const y0 = (r + MARGIN_CELLS) * CELL_H;
      for (let y = 0; y < CELL_H; y++)
        for (let x = 0; x < CELL_W; x++) {
          const upper = y < CELL_H / 2;
          const ink =
            cell.ch === '█' ||
            (cell.ch === '▀' && upper) ||
            (cell.ch === '▄' && !upper) ||
            // Any other glyph: a text-like smudge of foreground in the middle of the cell.
            (cell.ch !== ' ' &&
              !'█▀▄'.includes(cell.ch) &&
              y >= CELL_H * 0.3 &&
              y < CELL_H * 0.75 &&
              x >= CELL_W * 0.125 &&
              x < CELL_W * 0.75);
          pixels.set(ink ? cell.fg : cell.bg, ((y0 + y) * width + x0 + x) * 3);
        }
    });
  });
  return Buffer.concat([header, pixels]);
}

/** Luminance (0–255, ITU-R BT.601 weights) of pixel (x, y) of a P6 image. */
export function luminanceAt(ppm: Buffer, x: number, y: number): number {
  const header = /^P6\n(\d+) (\d+)\n255\n/.exec(ppm.subarray(0, 32).toString('latin1'));
  if (!header) throw new Error('not a P6 image');
  const [width, height] = [Number(header[1]), Number(header[2])];
  if (x < 0 || y < 0 || x >= width || y >= height) throw new Error(`pixel ${x},${y} outside the image`);
  const i = header[0].length + (y * width + x) * 3;
  return 0.299 * (ppm[i] as number) + 0.587 * (ppm[i + 1] as number) + 0.114 * (ppm[i + 2] as number);
}

/** Width and height of a P6 image. */
export function ppmSize(ppm: Buffer): { width: number; height: number } {
  const header = /^P6\n(\d+) (\d+)\n255\n/.exec(ppm.subarray(0, 32).toString('latin1'));
  if (!header) throw new Error('not a P6 image');
  return { width: Number(header[1]), height: Number(header[2]) };
}
