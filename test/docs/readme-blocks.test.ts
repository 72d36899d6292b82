/**
 * Every fenced code block in every README and doc runs as its first line says, or says it is a
 * fragment (docs/CONTRIBUTING.md "Code blocks in READMEs and docs"). Blocks are found by
 * test/docs/doc-blocks.ts, so a new block is covered with no change here. Runnable blocks run inside
 * the test namespace like every other network test, so they skip outside it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allBlocks, type DocBlock, parseBlocks, showsExpected } from './doc-blocks.js';
import { type BlockRun, runBrowserBlock, runNodeBlock, runShBlock } from './run-block.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const IN_NETNS = process.env.LANRTC_IN_NETNS === '1';
const blocks = allBlocks(root);
const name = (b: DocBlock) => `${b.file}:${b.line}`;
const runnable = blocks.filter((b) => ['node', 'sh', 'browser'].includes(b.usage.kind));

describe('README and doc code blocks', () => {
  it('finds the blocks of every README and doc', () => {
    const files = new Set(blocks.map((b) => b.file));
    for (const f of [
      'README.md',
      'packages/relay/README.md',
      'packages/signal-core/README.md',
      'docs/PROTOCOL.md',
    ])
      expect(files).toContain(f);
    const count = (k: string) => blocks.filter((b) => b.usage.kind === k).length;
    // The tally, for whoever reads the test log.
    console.log(
      `doc blocks: ${blocks.length} — runnable ${runnable.length}, fragments ${count('fragment')}, ` +
        `not code ${count('display') + count('output')}, invalid ${count('invalid')}`,
    );
    expect(runnable.length).toBeGreaterThan(0);
  });

  it.each(blocks.filter((b) => b.usage.kind === 'invalid').map((b) => [name(b), b] as const))(
    '%s says how it runs',
    (_, b) => {
      expect.fail(b.usage.kind === 'invalid' ? b.usage.problem : '');
    },
  );

  const packageReadmes = [...new Set(blocks.map((b) => b.file))].filter((f) =>
    /^packages\/[^/]+\/README\.md$/.test(f),
  );
  it.each(packageReadmes)('%s opens with a runnable quickstart of at most 15 lines', (file) => {
    const first = blocks.find((b) => b.file === file);
    expect(['node', 'sh', 'browser'], `${file}: first block is ${first?.usage.kind}`).toContain(
      first?.usage.kind,
    );
    // The first line says how to run it; the quickstart is what follows.
    expect((first?.code ?? '').trimEnd().split('\n').length - 1).toBeLessThanOrEqual(15);
  });

  describe.skipIf(!IN_NETNS)('runs', () => {
    it.each(runnable.map((b) => [name(b), b] as const))(
      '%s',
      async (_, b) => {
        const run: BlockRun =
          b.usage.kind === 'node'
            ? await runNodeBlock(root, b)
            : b.usage.kind === 'sh'
              ? await runShBlock(root, b)
              : await runBrowserBlock(root, b);
        const report = `exit ${run.status ?? run.signal}${run.timedOut ? ' (timed out)' : ''}\n--- output\n${run.all}`;
        const untilCtrlC = 'untilCtrlC' in b.usage && b.usage.untilCtrlC;
        if (untilCtrlC)
          expect(b.output, 'a block that runs until Ctrl-C needs a `text output` block').toBeDefined();
        expect(run.timedOut, report).toBe(false);
        if (untilCtrlC) expect([0, 130], report).toContain(run.status ?? 130);
        else expect(run.status, report).toBe(0);
        if (b.output) {
          const shown = showsExpected(run.all, b.output.code);
          expect(shown.missing, report).toBeUndefined();
        } else {
          expect(run.stderr, report).toBe('');
        }
      },
      120_000,
    );
  });
});

describe('the block convention itself', () => {
  const doc = (body: string) => parseBlocks('x.md', body);

  it('reads each kind of first line', () => {
    const [frag, node, sh, browser, out, text, bare, odd] = doc(
      [
        '```ts\n// fragment: a sketch\nx()\n```',
        '```ts\n// save as packages/relay/q.ts and run in packages/relay: pnpm exec tsx q.ts until Ctrl-C\n```',
        '```sh\n# run in .\npnpm start\n```',
        '```js\n// run in a browser page\n```',
        '```text output\nhello\n```',
        '```text\na -> b\n```',
        '```\nplain\n```',
        '```ts\nimport x from "y";\n```',
      ].join('\n\n'),
    );
    expect(frag?.usage).toEqual({ kind: 'fragment', why: 'a sketch' });
    expect(node?.usage).toEqual({
      kind: 'node',
      path: 'packages/relay/q.ts',
      dir: 'packages/relay',
      command: 'pnpm exec tsx q.ts',
      untilCtrlC: true,
    });
    expect(sh?.usage).toEqual({ kind: 'sh', dir: '.', untilCtrlC: false });
    expect(browser?.usage).toEqual({ kind: 'browser' });
    expect(browser?.output).toBe(out);
    expect(text?.usage.kind).toBe('display');
    expect(bare?.usage.kind).toBe('invalid');
    expect(odd?.usage.kind).toBe('invalid');
  });

  it('matches expected output in order, with … as a wildcard', () => {
    expect(showsExpected('a\nnoise\nb 12 ms\nc\n', 'a\nb … ms\n').ok).toBe(true);
    expect(showsExpected('b 1 ms\na\n', 'a\nb … ms\n')).toEqual({ ok: false, missing: 'b … ms' });
  });
});
