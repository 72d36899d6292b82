/**
 * bench:codec — QR payload size of real DataChannel offers/answers (test/fixtures/sdp, captured from
 * Chromium 156 and werift 0.24.4) through the compact codec, next to published compact codecs.
 *
 *   pnpm bench:codec            # prints the table; `--write` also replaces the section in BENCHMARKS.md
 *
 * What you should see: every fixture ≤ 100 compact bytes, ≤ 150 QR characters, QR version ≤ 7 at level M,
 * against QR version 18–23 for the raw SDP.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { encodeSdp, toQrText } from '../packages/signal-core/src/exports/codec.js';

const root = join(import.meta.dirname, '..');
const dir = join(root, 'packages/signal-core/test/fixtures/sdp');

function qr(text: string, level: 'L' | 'M'): { version: number; mode: string } {
  const code = QRCode.create(text, { errorCorrectionLevel: level });
  const modes = new Set(code.segments.map((s) => String(s.mode.id ?? s.mode)));
  return { version: code.version, mode: [...modes].join('+') };
}

const rows: string[][] = [];
for (const f of readdirSync(dir)
  .filter((n) => n.endsWith('.json'))
  .sort()) {
  const fx = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { type: string; sdp: string };
  const cands = fx.sdp.split('\n').filter((l) => l.startsWith('a=candidate:')).length;
  const bytes = encodeSdp(fx);
  const text = toQrText(bytes);
  const l = qr(text, 'L');
  const m = qr(text, 'M');
  const raw = qr(fx.sdp, 'M');
  rows.push([
    f.slice(0, -5),
    String(cands),
    String(fx.sdp.length),
    String(bytes.length),
    String(text.length),
    `${l.version} (${l.mode})`,
    String(m.version),
    String(raw.version),
  ]);
}
const header = [
  'fixture',
  'candidates',
  'SDP chars',
  'compact bytes',
  'QR text chars',
  'QR ver. L (mode)',
  'QR ver. M',
  'raw SDP QR ver. M',
];
const peers = [
  ['QWBP (published, munged ufrag/pwd)', '—', '—', '41 min / 62 typical / 110 max', '—', '—', '—', '—'],
  ['short_offer (published)', '—', 'Chrome 488, Firefox 534', '—', 'Chrome 95, Firefox 119', '—', '—', '—'],
];
const md = [
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...[...rows, ...peers].map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(md);

if (process.argv.includes('--write')) {
  const file = join(root, 'BENCHMARKS.md');
  const heading = '## Compact SDP codec (bench:codec)';
  const intro = `${heading}\n\nReproduce: \`pnpm bench:codec\` (\`--write\` refreshes this table). Fixtures: \`packages/signal-core/test/fixtures/sdp/\`, captured by \`scripts/capture-sdp.ts capture\` (Chromium 156 in network namespaces, werift 0.24.4 in \`scripts/netns-run.mjs\`). QR versions from the \`qrcode\` package (\`QRCode.create(text, { errorCorrectionLevel })\`); the compact text only ever uses QR alphanumeric/numeric segments, never byte mode. Real ICE ufrag/pwd are kept (no munging); the QR text is \`LR1:\` + base45.\n\n${md}\n`;
  let doc = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nMeasured numbers of lanrtc, each with the command that reproduces it.\n';
  const start = doc.indexOf(heading);
  if (start < 0) doc = `${doc.trimEnd()}\n\n${intro}`;
  else {
    const next = doc.indexOf('\n## ', start + heading.length);
    // Keep any notes written below the table in this section (everything after the marker).
    const marker = '<!-- bench:codec notes -->';
    const section = doc.slice(start, next < 0 ? undefined : next);
    const notes = section.includes(marker) ? section.slice(section.indexOf(marker)) : '';
    doc =
      doc.slice(0, start) +
      intro +
      (notes ? `\n${notes.trimEnd()}\n` : '') +
      (next < 0 ? '' : doc.slice(next));
  }
  writeFileSync(file, doc);
  console.log(`wrote ${file}`);
}
