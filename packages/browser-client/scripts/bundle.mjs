// Build the ESM browser bundle of @lanrtc/browser-client and print its size (min and min+gzip).
// Usage: node packages/browser-client/scripts/bundle.mjs [--metafile]
// Output: packages/browser-client/dist/bundle/browser-client.min.js (dist/ is not committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist/bundle/browser-client.min.js');
mkdirSync(dirname(outfile), { recursive: true });
const result = await build({
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  treeShaking: true,
  // Workspace packages resolve to their TypeScript sources, as in the tests.
  conditions: ['source'],
  outfile,
  metafile: true,
  legalComments: 'none',
});
const bytes = (await import('node:fs')).readFileSync(outfile);
const gz = gzipSync(bytes, { level: 9 });
if (process.argv.includes('--metafile'))
  writeFileSync(`${outfile}.meta.json`, JSON.stringify(result.metafile));
const inputs = Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs)
  .map(([path, v]) => [path.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, ''), v.bytesInOutput])
  .reduce((acc, [path, n]) => {
    const key = path.startsWith('@noble')
      ? path.split('/').slice(0, 2).join('/')
      : path.split('/').slice(0, 3).join('/');
    acc[key] = (acc[key] ?? 0) + n;
    return acc;
  }, {});
// Tree-shaking check: what an app pays for one import (esbuild drops the rest: `sideEffects: false`).
async function consumer(imports, from = '@lanrtc/browser-client') {
  const r = await build({
    stdin: {
      contents: `export { ${imports} } from '${from}';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    conditions: ['source'],
    write: false,
    legalComments: 'none',
  });
  const out = r.outputFiles[0].contents;
  return { imports, from, minBytes: out.length, minGzipBytes: gzipSync(out, { level: 9 }).length };
}
const consumers = [
  await consumer('createBrowserAgent'),
  await consumer('createIndexedDbTrustStore, openLanrtcDb'),
  await consumer('browserSessionPeer'),
  await consumer('connectDirect'),
  await consumer('createQrOffer, answerQrOffer'),
  await consumer('renderQrToCanvas'),
  await consumer('scanQrFromCamera, scanQrFromImage'),
  // The simple-peer adapter is a subpath of its own: apps that do not import it do not bundle it.
  await consumer('toSimplePeer', '@lanrtc/browser-client/simple-peer'),
];
// biome-ignore lint/suspicious/noConsole: this script's output is the measurement
console.log(
  JSON.stringify(
    { outfile, minBytes: bytes.length, minGzipBytes: gz.length, byInput: inputs, consumers },
    null,
    2,
  ),
);
