/**
 * A CLI run inside a namespace host on a pseudo-terminal (util-linux `script`), so it takes the
 * terminal paths a person meets — prompts read from the keyboard, progress bars — while the test
 * types into it and reads what the screen got (escape sequences and carriage returns removed).
 */
import { MAIN, TSX_FLAGS } from '../support.js';
import type { Host } from './support.js';

/** CSI sequences (ECMA-48 §5.4) and the lone carriage returns a terminal line discipline adds. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing escape sequences is the point.
const TERMINAL_CONTROL = /\u001b\[[0-9;?]*[ -/]*[@-~]|\r/g;

/** What a terminal session gives the test. */
export interface PtyRun {
  /** Everything drawn so far, raw (escape sequences included). */
  raw(): string;
  /** Everything drawn so far as text (escape sequences and CRs removed). */
  text(): string;
  /** Resolves once the text (from `from` on) matches `pattern`; rejects after `ms`. */
  next(pattern: RegExp, what: string, ms?: number): Promise<RegExpExecArray>;
  /** Type `keys` (a line: end it with "\n"). */
  type(keys: string): void;
  readonly exited: Promise<number | null>;
  kill(): void;
}

/** Single-quote `arg` for `sh -c`. */
function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** Run `lanrtc args…` on `host` on a pseudo-terminal. */
export function ptyLanrtc(host: Host, args: readonly string[]): PtyRun {
  const command = [process.execPath, ...TSX_FLAGS, MAIN, ...args].map(shellQuote).join(' ');
  // -q: no "Script started" banner; -f: flush as written; -e: exit with the child's code.
  const child = host.spawn('script', ['-qfec', command, '/dev/null']);
  let raw = '';
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    raw += d;
    for (const w of [...waiters]) w();
  });
  const text = () => raw.replace(TERMINAL_CONTROL, '');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    raw: () => raw,
    text,
    next: (pattern, what, ms = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(text());
          if (!m) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${what} within ${ms} ms; the terminal shows:\n${text().slice(-2000)}`));
        }, ms);
        waiters.add(check);
        check();
      }),
    type: (keys) => child.stdin?.write(keys),
    exited,
    kill: () => child.kill('SIGTERM'),
  };
}
