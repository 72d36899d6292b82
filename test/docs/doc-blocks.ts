/**
 * Finds every fenced code block in the repository's READMEs and docs and reads what its first line
 * says about running it (the convention in docs/CONTRIBUTING.md "Code blocks in READMEs and docs").
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Languages whose blocks are code: each must be a fragment or say how it runs. */
const CODE = new Map([
  ['sh', 'sh'],
  ['bash', 'sh'],
  ['shell', 'sh'],
  ['ts', 'ts'],
  ['typescript', 'ts'],
  ['js', 'js'],
  ['javascript', 'js'],
]);
/** Languages whose blocks are not code (diagrams, formulas, data, sample output). */
const DISPLAY = new Set(['text', 'json', 'sdp']);

/** How a block is meant to be used. */
export type Usage =
  | { readonly kind: 'display' }
  | { readonly kind: 'output' }
  | { readonly kind: 'fragment'; readonly why: string }
  | {
      readonly kind: 'node';
      readonly path: string;
      readonly dir: string;
      readonly command: string;
      readonly untilCtrlC: boolean;
    }
  | { readonly kind: 'sh'; readonly dir: string; readonly untilCtrlC: boolean }
  | { readonly kind: 'browser' }
  | { readonly kind: 'invalid'; readonly problem: string };

/** One fenced block of one document. */
export interface DocBlock {
  /** Repository path of the document. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
  usage: Usage;
  /** The ```text output block that follows a runnable block: what its reader should see. */
  output?: DocBlock;
}

const FRAGMENT = /^(?:\/\/|#) fragment: \S/;
const NODE_RUN = /^\/\/ save as (\S+) and run in (\S+): (.+?)( until Ctrl-C)?$/;
const BROWSER_RUN = /^\/\/ run in a browser page$/;
const SH_RUN = /^# run in (\S+)( until Ctrl-C)?$/;

/** The documents the convention covers: every README.md, every *.md at the root and in docs/. */
export function documentPaths(root: string): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out
    .split('\0')
    .filter((f) => f !== '' && !f.split('/').includes('node_modules'))
    .filter((f) => f.endsWith('/README.md') || /^[^/]+\.md$/.test(f) || /^docs\/[^/]+\.md$/.test(f))
    .sort();
}

/** Reads a block's first line (see docs/CONTRIBUTING.md). */
export function usageOf(lang: string, info: string, firstLine: string): Usage {
  if (lang === '') return { kind: 'invalid', problem: 'no language: label it (`text` if it is not code)' };
  if (DISPLAY.has(lang))
    return info === 'output' && lang === 'text' ? { kind: 'output' } : { kind: 'display' };
  const family = CODE.get(lang);
  if (!family) return { kind: 'invalid', problem: `unknown language "${lang}"` };
  if (FRAGMENT.test(firstLine))
    return { kind: 'fragment', why: firstLine.replace(/^(\/\/|#) fragment: /, '') };
  if (family === 'sh') {
    const m = SH_RUN.exec(firstLine);
    if (m) return { kind: 'sh', dir: m[1] as string, untilCtrlC: m[2] !== undefined };
  } else {
    const m = NODE_RUN.exec(firstLine);
    if (m) {
      return {
        kind: 'node',
        path: m[1] as string,
        dir: m[2] as string,
        command: m[3] as string,
        untilCtrlC: m[4] !== undefined,
      };
    }
    if (BROWSER_RUN.test(firstLine)) return { kind: 'browser' };
  }
  const expected =
    family === 'sh'
      ? '`# run in <dir>` or `# fragment: <why>`'
      : '`// save as <path> and run in <dir>: <command>`, `// run in a browser page` or `// fragment: <why>`';
  return { kind: 'invalid', problem: `first line must be ${expected}; it is: ${firstLine}` };
}

/** Every fenced block of one document, runnable blocks linked to the output block after them. */
export function parseBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const fence = open[1] as string;
    const lang = (open[2] as string).toLowerCase();
    const info = (open[3] as string).trim();
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j] as string).trim().startsWith(fence))
      body.push(lines[j++] as string);
    const code = body.length > 0 ? `${body.join('\n')}\n` : '';
    const block: DocBlock = { file, line: i + 1, lang, code, usage: usageOf(lang, info, body[0] ?? '') };
    const previous = blocks.at(-1);
    if (block.usage.kind === 'output') {
      if (previous && ['node', 'sh', 'browser'].includes(previous.usage.kind) && !previous.output) {
        previous.output = block;
      } else {
        block.usage = { kind: 'invalid', problem: 'a `text output` block must follow a runnable block' };
      }
    }
    blocks.push(block);
    i = j;
  }
  return blocks;
}

/** Every block of every covered document under `root`. */
export function allBlocks(root: string): DocBlock[] {
  return documentPaths(root).flatMap((f) => parseBlocks(f, readFileSync(join(root, f), 'utf8')));
}

/**
 * Whether `output` shows every line of an expected-output block, in order (other lines may come
 * between); `…` in an expected line stands for any text.
 */
export function showsExpected(output: string, expected: string): { ok: boolean; missing?: string } {
  const got = output.split('\n');
  let at = 0;
  for (const want of expected.split('\n').filter((l) => l.trim() !== '')) {
    const pattern = new RegExp(
      `^\\s*${want
        .trim()
        .split('…')
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}\\s*$`,
    );
    while (at < got.length && !pattern.test(got[at] as string)) at++;
    if (at === got.length) return { ok: false, missing: want };
    at++;
  }
  return { ok: true };
}
