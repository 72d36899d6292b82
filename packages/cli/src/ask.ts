/**
 * Questions on the terminal (`lanrtc receive` asks whether to accept, `lanrtc send` which receiver):
 * readline on stdin, the question on stderr so stdout stays the command's output. Ctrl-C while
 * asking rejects with the signal's reason (runCli prints `stopped (SIGINT)`).
 */
import { createInterface } from 'node:readline/promises';
import { ChoiceEntryError } from './errors.js';
import type { CliIo } from './io.js';
import { printable } from './printable.js';

/** One line typed after `question`, trimmed. */
export async function askLine(question: string, io: CliIo): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  // readline puts a terminal in raw mode, so Ctrl-C arrives as a key, not as SIGINT: pass it on as
  // the signal, which stops the command (and rejects the question through `io.signal`).
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    return (await rl.question(question, { signal: io.signal })).trim();
  } finally {
    rl.close();
  }
}

/** `question [y/N] `: true only for y or yes (any case); anything else, or an empty line, is no. */
export async function askYesNo(question: string, io: CliIo): Promise<boolean> {
  return /^y(es)?$/i.test(await askLine(`${question} [y/N] `, io));
}

/** A number 1…`count` typed after `question`; anything else is a `ChoiceEntryError`. */
export async function askNumber(question: string, count: number, io: CliIo): Promise<number> {
  const answer = await askLine(`${question} [1-${count}] `, io);
  const n = /^\d{1,6}$/.test(answer) ? Number(answer) : Number.NaN;
  if (!(n >= 1 && n <= count))
    throw new ChoiceEntryError(`pick a number from 1 to ${count} (got "${printable(answer)}")`);
  return n;
}
