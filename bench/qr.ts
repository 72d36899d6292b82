/**
 * bench:qr — size of every QR payload flow (offer with and without a pairing secret, answer bound to
 * its offer, card, pairing card) built from REAL descriptions: the Chromium 156 and werift 0.24.4
 * SDP fixtures in packages/signal-core/test/fixtures/sdp (scripts/capture-sdp.ts) and a card signed
 * over a freshly generated werift DTLS certificate's fingerprint and listener-style ICE credentials.
 *
 *   pnpm bench:qr
 *
 * Measured per row: payload bytes (`u8 kind ‖ u8 version ‖ body`), `LR1:` base45 text characters,
 * QR version at error correction L and M (`QRCode.create(text, { errorCorrectionLevel })`), and the
 * in-run anchor: the raw SDP the payload stands for (for a card: `cardToOffer(card)`), its length and
 * QR version in byte mode. QWBP and short_offer are published numbers quoted from docs/PLATFORM.md, not
 * measured here. No network is used.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateFingerprint, createDtlsCertificate, generateIceCredentials } from '@lanrtc/node-agent';
import {
  createCard,
  createIdentity,
  decodeQrPayload,
  encodeQrCard,
  encodeQrPairingCard,
  openCard,
  type QrOffer,
} from '@lanrtc/signal-core';
import {
  encodeQrAnswer,
  encodeQrOffer,
  fromQrText,
  type SessionDescriptionInit,
} from '@lanrtc/signal-core/codec';
import { cardToOffer } from '@lanrtc/signal-core/protocol';
import QRCode from 'qrcode';

const dir = join(import.meta.dirname, '..', 'packages/signal-core/test/fixtures/sdp');
const fixture = (name: string): SessionDescriptionInit => {
  const fx = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as SessionDescriptionInit;
  return { type: fx.type, sdp: fx.sdp };
};
type Level = 'L' | 'M';
const version = (text: string, level: Level) => QRCode.create(text, { errorCorrectionLevel: level }).version;
/** QR version of a text forced into byte mode (how a raw SDP goes into a QR code). */
const byteVersion = (text: string, level: Level) =>
  QRCode.create([{ data: new TextEncoder().encode(text), mode: 'byte' }], { errorCorrectionLevel: level })
    .version;
const secret = () => crypto.getRandomValues(new Uint8Array(16));

interface Row {
  flow: string;
  source: string;
  text: string;
  /** The SDP this payload stands for (the in-run anchor). */
  raw: string;
}
const rows: Row[] = [];

const offers: [string, string, string][] = [
  [
    'chromium-ipv4',
    'Chromium offer, 2 UDP + 2 TCP IPv4 host candidates',
    'Chromium answer, 1 IPv4 host candidate',
  ],
  [
    'chromium-mdns',
    'Chromium offer, 1 mDNS `.local` candidate',
    'Chromium answer, 1 mDNS `.local` candidate',
  ],
  ['werift', 'werift offer, 1 IPv4 host candidate', 'werift answer, 1 IPv4 host candidate'],
];
for (const [name, source, answerSource] of offers) {
  const offer = fixture(`${name}-offer`);
  const answer = fixture(`${name}-answer`);
  const plain = encodeQrOffer(offer);
  rows.push({ flow: 'offer', source, text: plain, raw: offer.sdp });
  rows.push({
    flow: 'offer + secret',
    source,
    text: encodeQrOffer(offer, { secret: secret() }),
    raw: offer.sdp,
  });
  const decoded = decodeQrPayload(plain) as QrOffer;
  const answerText = encodeQrAnswer(answer, decoded);
  decodeQrPayload(answerText, { offer: decoded }); // the bound answer really verifies
  rows.push({
    flow: 'answer (bound to the offer above)',
    source: answerSource,
    text: answerText,
    raw: answer.sdp,
  });
}

// A card as a direct-connect listener publishes it: real P-256 certificate, 8/24-char ICE credentials.
const identity = createIdentity();
const fingerprint = certificateFingerprint(await createDtlsCertificate());
const ice = generateIceCredentials();
const cards: [string, { address: string; port: number }[]][] = [
  ['card: 1 IPv4 candidate, name "Front door", type doorbell', [{ address: '192.168.1.23', port: 47800 }]],
  [
    'card: IPv4 + mDNS `.local` candidate',
    [
      { address: '192.168.1.23', port: 47800 },
      { address: 'front-door.local', port: 47800 },
    ],
  ],
];
for (const [source, candidates] of cards) {
  const bytes = createCard(identity, {
    name: 'Front door',
    deviceTypes: ['doorbell'],
    fingerprint,
    ice,
    candidates,
  });
  const raw = cardToOffer(openCard(bytes)).sdp;
  rows.push({ flow: 'card', source, text: encodeQrCard(bytes), raw });
  rows.push({ flow: 'pairing card', source, text: encodeQrPairingCard(bytes, secret()), raw });
}

const ratio = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;
const header = [
  'flow',
  'source',
  'payload bytes',
  'QR text chars',
  'QR ver. L',
  'QR ver. M',
  'raw SDP chars (anchor)',
  'raw SDP QR ver. L / M (byte mode)',
  'text / raw SDP',
];
const table = rows.map((r) => {
  const bytes = fromQrText(r.text).length;
  return [
    r.flow,
    r.source,
    String(bytes),
    String(r.text.length),
    String(version(r.text, 'L')),
    String(version(r.text, 'M')),
    String(r.raw.length),
    `${byteVersion(r.raw, 'L')} / ${byteVersion(r.raw, 'M')}`,
    ratio(r.text.length, r.raw.length),
  ];
});
// Published anchors (docs/PLATFORM.md "Published numbers of other projects"), not measured. QWBP's packet goes into
// a QR code in byte mode; its versions below are computed from the published sizes, nothing else.
const qwbpVersions = [41, 62, 110]
  .map((n) => `${byteVersion('x'.repeat(n), 'L')}/${byteVersion('x'.repeat(n), 'M')}`)
  .join(', ');
const published = [
  [
    'QWBP (published, not measured)',
    'min / typical / max',
    '41 / 62 / 110',
    '—',
    `L/M computed from the sizes, byte mode: ${qwbpVersions}`,
    '',
    '—',
    '—',
    '—',
  ],
  [
    'short_offer (published, not measured)',
    'Chrome / Firefox offer',
    '—',
    '95 / 119',
    '—',
    '—',
    '488 / 534',
    '—',
    '19 % / 22 %',
  ],
];
const md = [
  `| ${header.join(' | ')} |`,
  `|${header.map(() => '---').join('|')}|`,
  ...[...table, ...published].map((r) => `| ${r.join(' | ')} |`),
].join('\n');
console.log(md);
