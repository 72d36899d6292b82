/**
 * The adapter stays out of the core bundle: bundling `@lanrtc/browser-client` (every
 * export, as scripts/bundle.mjs does) must not reach `src/simple-peer.ts`, and the subpath entry on
 * its own must not drag in the agent, the relay client or the QR code.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

async function bundle(contents: string): Promise<{ inputs: string[]; gzip: number; text: string }> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    conditions: ['source'],
    write: false,
    metafile: true,
    legalComments: 'none',
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error('esbuild produced no output');
  const inputs = Object.values(result.metafile.outputs).flatMap((o) =>
    Object.entries(o.inputs)
      .filter(([, v]) => v.bytesInOutput > 0)
      .map(([path]) => path),
  );
  return { inputs, gzip: gzipSync(file.contents, { level: 9 }).length, text: file.text };
}

describe('simple-peer adapter bundle', () => {
  it('the core entry (every export) does not include the adapter', async () => {
    const core = await bundle("export * from '@lanrtc/browser-client';");
    expect(core.inputs.filter((p) => p.endsWith('simple-peer.ts'))).toEqual([]);
    expect(core.text).not.toContain('SignalUnsupportedError');
  });

  it('the subpath entry alone is the adapter and a few signal-core errors, not the agent', async () => {
    const adapter = await bundle("export * from '@lanrtc/browser-client/simple-peer';");
    expect(adapter.text).toContain('SignalUnsupportedError');
    // browser-agent.ts contributes only DEFAULT_CHANNEL_LABEL; nothing of the relay client or pairing.
    expect(adapter.text).not.toContain('createBrowserAgent needs');
    expect(adapter.inputs.filter((p) => /relay|pairing|qr|envelope/.test(p))).toEqual([]);
    console.log(JSON.stringify({ test: 'simple-peer subpath bundle', minGzipBytes: adapter.gzip }));
    expect(adapter.gzip).toBeLessThan(4_000);
  });
});
