/**
 * What `lanrtc paste` accepts before it connects: QR texts as scanners and terminals mangle them
 * (lower case, a label in front, trailing blanks, the whole `lanrtc card` output), and the typed
 * errors for everything else. Connecting is tested on a namespace LAN (lan/listen-paste.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  createCard,
  createIdentity,
  decodeQrPayload,
  encodeQrCard,
  encodeQrPairingCard,
  InvalidSignatureError,
  openCard,
  type QrOffer,
} from '@lanrtc/signal-core';
import { encodeQrAnswer, encodeQrOffer } from '@lanrtc/signal-core/codec';
import { cardToOffer } from '@lanrtc/signal-core/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CorruptCliFileError,
  cardPayloadText,
  decodePasted,
  runCli,
  UnrecognisedPasteError,
} from '../src/index.js';
import { memoryIo, tempConfig } from './support.js';

const identity = createIdentity();
const cardBytes = createCard(identity, {
  name: 'Porch',
  deviceTypes: ['doorbell'],
  fingerprint: new Uint8Array(32).fill(7),
  ice: { ufrag: 'abcd1234', pwd: 'abcdefghijklmnopqrstuvwx' },
  candidates: [{ address: '10.0.0.9', port: 47800 }],
});
const text = cardPayloadText(cardBytes);
const pairingSecret = new Uint8Array(16).fill(3);
const pairingText = encodeQrPairingCard(cardBytes, pairingSecret);
/** A QR answer (what `lanrtc paste` prints for a page's offer) bound to an offer of this card. */
const answerText = (() => {
  const description = cardToOffer(openCard(cardBytes));
  const offer = decodeQrPayload(encodeQrOffer(description)) as QrOffer;
  return encodeQrAnswer(
    { type: 'answer', sdp: description.sdp.replace('a=setup:actpass', 'a=setup:active') },
    offer,
  );
})();
const ANSWER_MESSAGE = 'this is an answer: it is read by the page that made the offer, not by lanrtc paste';

/** What `fn` throws (undefined when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('decodePasted', () => {
  it.each([
    ['as printed', text],
    ['lower-cased by a scanner', text.toLowerCase()],
    ['with the "card: " label of lanrtc listen', `card: ${text}`],
    ['with trailing blanks and CRLF', `${text}  \r\n`],
    ['inside other lines', `name: x\n${text}\nid: y\n`],
    // Upper-casing "ß" gives "SS": the prefix must be found in the line as it is.
    ['after a label with "ß"', `Straße ${text}`],
    ['lower-cased after "ǅ" and "ﬁ"', `ǅﬁ: ${text.toLowerCase()}`],
  ])('a card %s decodes to the verified card', (_, pasted) => {
    expect(decodePasted(pasted)).toMatchObject({ kind: 'card', card: { id: identity.id, name: 'Porch' } });
  });

  it('a pairing card carries its secret', () => {
    expect(decodePasted(pairingText)).toEqual({
      kind: 'pairing-card',
      card: openCard(cardBytes),
      secret: pairingSecret,
    });
  });

  it.each([
    [
      'the whole `listen --pair` output',
      `listening on udp 10.0.0.9 port 47800\ncard: ${text}\n  name: Porch\npairing card: ${pairingText}\n`,
    ],
    ['pairing card after the card', `${text}\n${pairingText}`],
    ['pairing card before the card', `${pairingText}\n${text}`],
  ])('%s: the pairing card wins over the plain card', (_, pasted) => {
    expect(decodePasted(pasted)).toMatchObject({ kind: 'pairing-card', secret: pairingSecret });
  });

  it.each([
    ['alone', answerText],
    [
      'lower-cased, with the label line `lanrtc paste` prints',
      `answer (show this QR code…):\n${answerText.toLowerCase()}`,
    ],
  ])('a QR answer %s is UnrecognisedPasteError in words for a person', (_, pasted) => {
    const error = thrown(() => decodePasted(pasted));
    expect(error).toBeInstanceOf(UnrecognisedPasteError);
    expect((error as Error).message).toBe(ANSWER_MESSAGE);
  });

  it('an offer is decoded (for describing), with its secret flag', () => {
    const offer = encodeQrOffer(cardToOffer(openCard(cardBytes)), { secret: new Uint8Array(16) });
    expect(decodePasted(offer)).toMatchObject({ kind: 'offer', secret: new Uint8Array(16) });
  });

  it('a card with a flipped signature byte is InvalidSignatureError', () => {
    const bad = cardBytes.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    expect(thrown(() => decodePasted(encodeQrCard(bad)))).toBeInstanceOf(InvalidSignatureError);
  });

  it.each([['hello world'], ['LR1:'], ['line one\nline two']])('%j is a typed error', (pasted) => {
    const error = thrown(() => decodePasted(pasted));
    expect((error as Error).name).toMatch(/^(UnrecognisedPasteError|MalformedInputError)$/);
  });

  it('several undecodable lines are UnrecognisedPasteError', () => {
    expect(thrown(() => decodePasted('a\nb'))).toBeInstanceOf(UnrecognisedPasteError);
  });
});

describe('lanrtc paste (no connection needed)', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('--describe describes an offer and exits 0 without connecting', async () => {
    const m = memoryIo();
    const offer = encodeQrOffer(cardToOffer(openCard(cardBytes)));
    expect(await runCli(['paste', offer, '--describe'], m.io)).toBe(0);
    expect(m.stdout()).toContain('offer (browser↔browser QR signalling)');
    expect(m.stdout()).toContain('candidates: 10.0.0.9:47800');
  });

  it('--describe finds the text after a label that upper-cases longer ("Straße")', async () => {
    const m = memoryIo();
    expect(await runCli(['paste', `Straße ${text}`, '--describe'], m.io)).toBe(0);
    expect(m.stdout()).toContain('card\n  name: Porch\n');
  });

  it('an answer → exit 1, UnrecognisedPasteError with a message for a person', async () => {
    const m = memoryIo();
    expect(await runCli(['paste', answerText, '--describe'], m.io)).toBe(1);
    expect(m.stderr()).toBe(`lanrtc paste: UnrecognisedPasteError: ${ANSWER_MESSAGE}\n`);
  });

  it.each(['foo', 'x.local', ''])(
    '--address "%s" (not an IP address) → exit 2 before anything is read or connected',
    async (address) => {
      const config = tempConfig();
      cleanup = config.cleanup;
      const m = memoryIo();
      const argv = ['paste', text, `--address=${address}`, '--message', 'hi', '--config', config.dir];
      expect(await runCli(argv, m.io)).toBe(2);
      expect(m.stderr().split('\n')[0]).toBe(
        `lanrtc paste: --address must be an IPv4 or IPv6 address (got "${address}")`,
      );
      expect(m.stdout()).toBe('');
    },
  );

  it('garbage → exit 1 with the error name; nothing → exit 2', async () => {
    const bad = memoryIo({ stdin: 'not a card\nnor this\n' });
    expect(await runCli(['paste'], bad.io)).toBe(1);
    expect(bad.stderr()).toMatch(/^lanrtc paste: UnrecognisedPasteError: /);
    const none = memoryIo({ stdin: '' });
    expect(await runCli(['paste'], none.io)).toBe(2);
    expect(none.stderr()).toMatch(/^lanrtc paste: nothing to paste/);
    const two = memoryIo();
    expect(await runCli(['paste', 'a', 'b'], two.io)).toBe(2);
    expect(two.stderr()).toMatch(/^lanrtc paste: unexpected argument "b"/);
  });

  it('a damaged ice.json is CorruptCliFileError (exit 1), never replaced', async () => {
    const config = tempConfig();
    cleanup = config.cleanup;
    expect(await runCli(['id', '--config', config.dir], memoryIo().io)).toBe(0);
    writeFileSync(`${config.dir}/ice.json`, '{"v":1,"ufrag":"x","pwd":"y"}', { mode: 0o600 });
    const m = memoryIo();
    expect(await runCli(['card', '--config', config.dir, '--address', '10.0.0.1'], m.io)).toBe(1);
    expect(m.stderr()).toMatch(/^lanrtc card: CorruptCliFileError: .*ice\.json/);
    expect(readFileSync(`${config.dir}/ice.json`, 'utf8')).toBe('{"v":1,"ufrag":"x","pwd":"y"}');
    expect(CorruptCliFileError.code).toBe('CorruptCliFileError');
  });
});
