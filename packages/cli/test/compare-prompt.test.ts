/**
 * The terminal side of numeric comparison: the digits in two groups, y/n as the verdict, a line while
 * the other side's answer is awaited, a second comparison meanwhile refused, and a pairing that ends
 * while the question is up taking the question down (verdict no).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalCompare } from '../src/compare-prompt.js';
import type { CliIo } from '../src/io.js';

function terminal() {
  const stdin = new PassThrough();
  const stderr = new PassThrough();
  let asked = '';
  stderr.setEncoding('utf8').on('data', (d: string) => {
    asked += d;
  });
  const io: CliIo = {
    stdout: new PassThrough(),
    stderr,
    stdin,
    env: {},
    signal: new AbortController().signal,
  };
  const said: string[] = [];
  return { io, stdin, said, asked: () => asked, compare: terminalCompare(io, (l) => said.push(l)) };
}

describe('terminalCompare', () => {
  it('shows the digits, asks, and answers with what was typed', async () => {
    const t = terminal();
    const yes = t.compare('480361', new AbortController().signal);
    await new Promise((r) => setTimeout(r, 20));
    expect(t.said).toEqual(['pairing code: 480 361']);
    expect(t.asked()).toBe('same digits on the other screen? [y/N] ');
    // A second pairing while this one is asked cannot share the keyboard: refused.
    expect(await t.compare('111111', new AbortController().signal)).toBe(false);
    expect(t.said.at(-1)).toBe('refused a second comparison while one is being asked');
    t.stdin.write('y\n');
    expect(await yes).toBe(true);
    expect(t.said.at(-1)).toBe('waiting for the other screen to confirm…');
    const no = t.compare('480361', new AbortController().signal);
    await new Promise((r) => setTimeout(r, 20));
    t.stdin.write('n\n');
    expect(await no).toBe(false);
  });

  it('a pairing that ends while asking takes the question down: no', async () => {
    const t = terminal();
    const pairing = new AbortController();
    const verdict = t.compare('480361', pairing.signal);
    await new Promise((r) => setTimeout(r, 20));
    pairing.abort(new Error('peer said no'));
    expect(await verdict).toBe(false);
    // The keyboard is free again for the next comparison.
    const next = t.compare('222333', new AbortController().signal);
    await new Promise((r) => setTimeout(r, 20));
    t.stdin.write('y\n');
    expect(await next).toBe(true);
  });
});
