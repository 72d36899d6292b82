/**
 * What a peer sends is printed with its control characters made visible: no ANSI/OSC sequence a
 * peer writes reaches the operator's terminal (echoed messages, replies, names, log fields).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { printable } from '../src/index.js';
import { createStderrLogger } from '../src/log.js';
import { memoryIo } from './support.js';

describe('printable', () => {
  it.each([
    ['CSI colour', '\x1b[31mred\x1b[0m', '\\x1b[31mred\\x1b[0m'],
    ['OSC 52 clipboard write', '\x1b]52;c;cm0gLXJmIH4=\x07', '\\x1b]52;c;cm0gLXJmIH4=\\x07'],
    ['OSC title with ST', '\x1b]0;owned\x1b\\', '\\x1b]0;owned\\x1b\\'],
    ['one-byte C1 CSI', '\x9b2J', '\\x9b2J'],
    ['DEL, NUL, CR, LF, TAB', '\x7f\x00\r\n\t', '\\x7f\\x00\\x0d\\x0a\\x09'],
    ['bidi override', 'abc\u202edcba', 'abc\\u{202e}dcba'],
    ['bidi isolate', '\u2066x\u2069', '\\u{2066}x\\u{2069}'],
  ])('%s is escaped visibly', (_, hostile, shown) => {
    expect(printable(hostile)).toBe(shown);
  });

  it.each(['hello', 'Straße 🚪 ß ǅ', 'a\\x1b stays as typed', '中文 العربية'])('%j is unchanged', (plain) => {
    expect(printable(plain)).toBe(plain);
  });

  it('nothing in \\p{Cc} survives', () => {
    const all = Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)).join('');
    expect(printable(all)).not.toMatch(/\p{Cc}/u);
  });
});

describe('createStderrLogger', () => {
  it('escapes DEL, C1 and bidi controls in fields (JSON.stringify leaves them raw); lines stay JSON', () => {
    const m = memoryIo();
    const stderr = new PassThrough();
    let out = '';
    stderr.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const logger = createStderrLogger({ ...m.io, stderr }, true);
    const hostile = 'peer \x1b[2J \x9b2J \x7f \u202e name';
    logger.warn('dropped', { name: hostile });
    logger.debug(hostile);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    // Everything but the line breaks ending each JSON line.
    expect(out.replaceAll('\n', '')).not.toMatch(/[\p{Cc}\u202e]/u);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'warn',
      message: 'dropped',
      name: hostile,
    });
    expect(JSON.parse(lines[1] as string)).toMatchObject({ level: 'debug', message: hostile });
  });
});
