import { createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCard } from '../../src/card/create.js';
import { cardFromText, cardToText, openCard } from '../../src/card/open.js';
import { nameProblem } from '../../src/card/rules.js';
import { type CardInit, MAX_CARD_BYTES, WELL_KNOWN_DEVICE_TYPES } from '../../src/card/types.js';
import { fromHex, toHex, utf8 } from '../../src/encoding/bytes.js';
import { formatIPv6, parseIPv6 } from '../../src/encoding/ip.js';
import {
  CardExpiredError,
  InvalidArgumentError,
  InvalidSignatureError,
  MalformedInputError,
  UnsupportedVersionError,
} from '../../src/errors.js';
import { identityFromSecretKey, signWithDomain } from '../../src/identity/identity.js';
import vectors from '../vectors/card.json' with { type: 'json' };

const v = vectors.doorbell;
const hex = (s: string): Uint8Array => fromHex(s) as Uint8Array;
const device = identityFromSecretKey(hex(v.secretKey));
const mallory = identityFromSecretKey(new Uint8Array(32).fill(7));
const NOW_MS = v.issuedAt * 1000;

const init: CardInit = {
  name: v.name,
  deviceTypes: v.deviceTypes,
  fingerprint: hex(v.fingerprint),
  nextFingerprint: hex(v.nextFingerprint),
  ice: { ufrag: v.ufrag, pwd: v.pwd },
  candidates: v.candidates,
  issuedAt: v.issuedAt,
  expiresAt: v.expiresAt,
};
const card = (over: Partial<CardInit> = {}, who = device): Uint8Array =>
  createCard(who, { ...init, ...over });
/** The error `fn` throws (undefined if none), so the assertion happens outside any catch. */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
};
const open = (bytes: Uint8Array, now = NOW_MS) => openCard(bytes, { now });

// Offsets inside the golden card (docs/PROTOCOL.md §"Cards").
const OFF = {
  key: 1,
  nameLength: 33,
  flags: 44,
  mask: 45,
  fingerprint: 46,
  ufragLength: 110,
  ice: 112,
  candidates: 136,
  port1: 142,
  issuedAt: 151,
  lifetime: 156,
  signature: 159,
} as const;
/** The golden body with `edit` applied, validly re-signed: hostile inputs that only parsing can stop. */
const resigned = (edit: (body: number[]) => void, from = hex(v.card)): Uint8Array => {
  const body = Array.from(from.subarray(0, -64));
  edit(body);
  const b = Uint8Array.from(body);
  return Uint8Array.from([...b, ...signWithDomain(device, 'lanrtc/card/v1', b)]);
};

describe('card golden vector', () => {
  it('creates the exact recorded bytes', () => {
    expect(toHex(card())).toBe(v.card);
  });

  it('verifies with an independent Ed25519 (Node crypto) over the documented layout', () => {
    const bytes = hex(v.card);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), bytes.subarray(1, 33)]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const message = Buffer.concat([Buffer.from('lanrtc/card/v1\0'), bytes.subarray(0, -64)]);
    expect(verify(null, message, key, bytes.subarray(-64))).toBe(true);
    // The 6-bit ICE packing is base64's alphabet and bit order (RFC 4648 §4).
    const ice = Buffer.from(bytes.subarray(OFF.ice, OFF.candidates)).toString('base64');
    expect(ice.slice(0, v.ufrag.length + v.pwd.length)).toBe(v.ufrag + v.pwd);
  });

  it('opens to the recorded fields', () => {
    const c = open(hex(v.card));
    expect(c).toMatchObject({
      version: 1,
      id: v.id,
      name: v.name,
      deviceTypes: v.deviceTypes,
      ice: { ufrag: v.ufrag, pwd: v.pwd },
      candidates: v.candidates,
      issuedAt: v.issuedAt,
      expiresAt: v.expiresAt,
    });
    expect(toHex(c.fingerprint)).toBe(v.fingerprint);
    expect(toHex(c.nextFingerprint as Uint8Array)).toBe(v.nextFingerprint);
    expect(c.relay).toBeUndefined();
  });
});

describe('card size', () => {
  it('fits one mDNS TXT string (c=<card> ≤ 255 bytes) in the common case', () => {
    // Common case: 16-byte name, one device type, both fingerprints, 2 IPv4 candidates, no relay,
    // ufrag 4–8 and pwd 22–24 chars (browsers use 4/22 and 8/24 in practice: RFC 8839 §5.4 minimums).
    const sizes: number[] = [];
    for (let u = 4; u <= 8; u++) {
      for (let p = 22; p <= 24; p++) {
        const bytes = card({
          name: 'Living room cam1',
          ice: { ufrag: 'a'.repeat(u), pwd: 'b'.repeat(p) },
        });
        sizes.push(bytes.length);
        expect(utf8('Living room cam1').length).toBe(16);
        expect(2 + bytes.length).toBeLessThanOrEqual(255);
      }
    }
    console.log(`card bytes, common case: min ${Math.min(...sizes)}, max ${Math.max(...sizes)}`);
    expect(Math.max(...sizes)).toBe(229);
    expect(Math.min(...sizes)).toBe(225);
  });
});

const ICE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('');
const iceString = (min: number, max: number) =>
  fc.array(fc.constantFrom(...ICE), { minLength: min, maxLength: max }).map((a) => a.join(''));
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
const candidate = fc.record({
  address: fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    label.map((l) => `${l}.local`),
  ),
  port: fc.integer({ min: 1, max: 65535 }),
});
const safeName = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => nameProblem(s) === undefined);
const canonical = (address: string): string => {
  const v6 = address.includes(':') ? parseIPv6(address) : undefined;
  return v6 ? formatIPv6(v6) : address;
};

describe('card round trip', () => {
  it('opens whatever it creates (seeded property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          name: safeName,
          known: fc.subarray([...WELL_KNOWN_DEVICE_TYPES]),
          custom: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), { maxLength: 4 }),
          fingerprint: fc.uint8Array({ minLength: 32, maxLength: 32 }),
          next: fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: undefined }),
          ufrag: iceString(4, 32),
          pwd: iceString(22, 256),
          candidates: fc.array(candidate, { maxLength: 8 }),
          relay: fc.option(
            fc.record(
              {
                host: fc.oneof(
                  fc.ipV4(),
                  fc.ipV6(),
                  label.map((l) => `${l}.example`),
                ),
                port: fc.integer({ min: 1, max: 65535 }),
                path: fc.stringMatching(/^\/[\x21-\x7e]{0,20}$/),
              },
              { requiredKeys: ['host', 'port'] },
            ),
            { nil: undefined },
          ),
          issuedAt: fc.nat({ max: 2 ** 40 }),
          lifetime: fc.integer({ min: 1, max: 2 ** 31 }),
        }),
        (x) => {
          const custom = x.custom.filter((t) => !(WELL_KNOWN_DEVICE_TYPES as readonly string[]).includes(t));
          const bytes = createCard(device, {
            name: x.name,
            deviceTypes: [...custom, ...x.known],
            fingerprint: x.fingerprint,
            ...(x.next ? { nextFingerprint: x.next } : {}),
            ice: { ufrag: x.ufrag, pwd: x.pwd },
            candidates: x.candidates,
            ...(x.relay ? { relay: x.relay } : {}),
            issuedAt: x.issuedAt,
            expiresAt: x.issuedAt + x.lifetime,
          });
          const c = openCard(bytes, { now: x.issuedAt * 1000 });
          expect(c.name).toBe(x.name);
          expect(c.deviceTypes).toEqual([
            ...WELL_KNOWN_DEVICE_TYPES.filter((t) => x.known.includes(t)),
            ...custom,
          ]);
          expect(toHex(c.fingerprint)).toBe(toHex(x.fingerprint));
          expect(c.nextFingerprint && toHex(c.nextFingerprint)).toBe(x.next && toHex(x.next));
          expect(c.ice).toEqual({ ufrag: x.ufrag, pwd: x.pwd });
          expect(c.candidates).toEqual(
            x.candidates.map((k) => ({ address: canonical(k.address), port: k.port })),
          );
          expect(c.relay).toEqual(x.relay && { ...x.relay, host: canonical(x.relay.host) });
          expect(c.expiresAt - c.issuedAt).toBe(x.lifetime);
          expect(cardFromText(cardToText(bytes), { now: x.issuedAt * 1000 })).toEqual(c);
        },
      ),
      { seed: 42, numRuns: 150 },
    );
  });

  it('keeps unknown custom device-type tokens and deduplicates on create', () => {
    const c = open(card({ deviceTypes: ['toaster', 'game', 'toaster', 'files'] }));
    expect(c.deviceTypes).toEqual(['game', 'files', 'toaster']);
  });

  it('formats IPv6 per RFC 5952 §4', () => {
    expect(
      open(card({ candidates: [{ address: '2001:DB8:0:0:1:0:0:1', port: 9 }] })).candidates[0]?.address,
    ).toBe('2001:db8::1:0:0:1');
    expect(open(card({ candidates: [{ address: '::ffff:10.0.0.1', port: 9 }] })).candidates[0]?.address).toBe(
      '::ffff:a00:1',
    );
    expect(formatIPv6(new Uint8Array(16))).toBe('::');
  });
});

describe('card expiry and signer', () => {
  it('rejects a card at and after its expiry second', () => {
    expect(() => open(hex(v.card), v.expiresAt * 1000)).toThrow(CardExpiredError);
    expect(() => open(hex(v.card), v.expiresAt * 1000 + 1e9)).toThrow(CardExpiredError);
    expect(open(hex(v.card), v.expiresAt * 1000 - 1).id).toBe(v.id);
  });

  it('rejects a card whose signature belongs to another key', () => {
    const forged = card({}, mallory);
    forged.set(device.publicKey, OFF.key); // claim the device's identity
    expect(() => open(forged)).toThrow(InvalidSignatureError);
    const relabelled = hex(v.card);
    relabelled.set(mallory.publicKey, OFF.key);
    expect(() => open(relabelled)).toThrow(InvalidSignatureError);
  });
});

describe('card hostile inputs', () => {
  const good = hex(v.card);

  it.each<[string, () => Uint8Array, new (...a: never[]) => Error]>([
    ['empty', () => new Uint8Array(0), MalformedInputError],
    ['version 0', () => Uint8Array.from([0, ...good.subarray(1)]), UnsupportedVersionError],
    ['version 2', () => Uint8Array.from([2, ...good.subarray(1)]), UnsupportedVersionError],
    ['trailing byte', () => Uint8Array.from([...good, 0]), MalformedInputError],
    ['over the size bound', () => new Uint8Array(MAX_CARD_BYTES + 1).fill(1), MalformedInputError],
    [
      'public key not a point',
      () => resigned((b) => b.fill(0xff, OFF.key, OFF.key + 32)),
      MalformedInputError,
    ],
    [
      'invalid UTF-8 name',
      () =>
        resigned((b) => {
          b[OFF.nameLength + 1] = 0xff;
        }),
      MalformedInputError,
    ],
    [
      'control character in name',
      () =>
        resigned((b) => {
          b[OFF.nameLength + 1] = 0x1b;
        }),
      MalformedInputError,
    ],
    [
      'unknown flag bit',
      () =>
        resigned((b) => {
          b[OFF.flags] = 0x09;
        }),
      MalformedInputError,
    ],
    [
      'unknown device-type bit',
      () =>
        resigned((b) => {
          b[OFF.mask] = 0x22;
        }),
      MalformedInputError,
    ],
    [
      'ufrag of 3 chars',
      () =>
        resigned((b) => {
          b[OFF.ufragLength] = 3;
          b[OFF.ufragLength + 1] = 25;
        }),
      MalformedInputError,
    ],
    [
      'non-zero ICE padding bits',
      () => {
        // 4 + 22 ice-chars = 156 bits in 20 bytes: the last byte has 4 padding bits (the golden
        // card's 32 chars fill 24 bytes exactly).
        const short = card({ ice: { ufrag: 'aaaa', pwd: 'b'.repeat(22) } });
        return resigned((b) => {
          b[OFF.ice + 19] = (b[OFF.ice + 19] as number) | 1;
        }, short);
      },
      MalformedInputError,
    ],
    [
      'candidate count 9',
      () =>
        resigned((b) => {
          b[OFF.candidates] = 9;
        }),
      MalformedInputError,
    ],
    [
      'unknown address kind',
      () =>
        resigned((b) => {
          b[OFF.candidates + 1] = 9;
        }),
      MalformedInputError,
    ],
    [
      'port 0',
      () =>
        resigned((b) => {
          b[OFF.port1] = 0;
          b[OFF.port1 + 1] = 0;
        }),
      MalformedInputError,
    ],
    ['lifetime 0', () => resigned((b) => b.splice(OFF.lifetime, 3, 0)), MalformedInputError],
    [
      'custom token that is well-known',
      () =>
        resigned((b) => {
          b[OFF.flags] = 0x05;
          b.splice(OFF.mask + 1, 0, 1, 4, ...utf8('game'));
        }),
      MalformedInputError,
    ],
    [
      'duplicate custom token',
      () =>
        resigned((b) => {
          b[OFF.flags] = 0x05;
          b.splice(OFF.mask + 1, 0, 2, 2, ...utf8('tv'), 2, ...utf8('tv'));
        }),
      MalformedInputError,
    ],
    [
      'non-.local host candidate',
      () =>
        resigned((b) => {
          b.splice(OFF.candidates + 1, 5, 3, 9, ...utf8('evil.test'));
        }),
      MalformedInputError,
    ],
    [
      'signature zeroed',
      () => Uint8Array.from([...good.subarray(0, OFF.signature), ...new Uint8Array(64)]),
      InvalidSignatureError,
    ],
  ])('%s → specific error', (_name, make, error) => {
    expect(() => open(make())).toThrow(error);
  });

  it('accepts the re-signed unmodified body (the table edits are what fails)', () => {
    expect(open(resigned(() => {})).name).toBe(v.name);
  });

  it('rejects every truncation with MalformedInputError', () => {
    for (let n = 0; n < good.length; n++)
      expect(() => open(good.subarray(0, n)), `length ${n}`).toThrow(MalformedInputError);
  });

  it('rejects every single-bit flip; in fixed-size fields with InvalidSignatureError', () => {
    for (let i = 0; i < good.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = good.slice();
        b[i] = (b[i] as number) ^ (1 << bit);
        const where = `byte ${i} bit ${bit}`;
        const fixed =
          (i >= OFF.fingerprint && i < OFF.ufragLength) ||
          (i >= OFF.candidates + 2 && i < OFF.candidates + 5) ||
          i >= OFF.signature;
        if (i === 0) expect(() => open(b), where).toThrow(UnsupportedVersionError);
        else if (fixed) expect(() => open(b), where).toThrow(InvalidSignatureError);
        else {
          const error = thrown(() => open(b));
          expect(error instanceof MalformedInputError || error instanceof InvalidSignatureError, where).toBe(
            true,
          );
        }
      }
    }
  });

  it('rejects garbage text', () => {
    expect(() => cardFromText('not base64url!')).toThrow(MalformedInputError);
    expect(() => cardFromText('')).toThrow(MalformedInputError);
    expect(() => cardFromText('A'.repeat(4000))).toThrow(MalformedInputError);
  });
});

describe('createCard arguments', () => {
  it.each<[string, Partial<CardInit>]>([
    ['name over 32 bytes', { name: 'é'.repeat(17) }],
    ['name with a bidi override', { name: 'door\u202Egnp.exe' }],
    ['bad device token', { deviceTypes: ['Game!'] }],
    ['five custom tokens', { deviceTypes: ['a', 'b', 'c', 'd', 'e'] }],
    ['short fingerprint', { fingerprint: new Uint8Array(31) }],
    ['short next fingerprint', { nextFingerprint: new Uint8Array(20) }],
    ['ufrag too short', { ice: { ufrag: 'abc', pwd: 'b'.repeat(22) } }],
    ['pwd too short', { ice: { ufrag: 'abcd', pwd: 'b'.repeat(21) } }],
    ['pwd non ice-char', { ice: { ufrag: 'abcd', pwd: `${'b'.repeat(21)}=` } }],
    ['nine candidates', { candidates: Array.from({ length: 9 }, () => ({ address: '10.0.0.1', port: 1 })) }],
    ['octal-looking IPv4', { candidates: [{ address: '010.0.0.1', port: 1 }] }],
    ['zone id', { candidates: [{ address: 'fe80::1%eth0', port: 1 }] }],
    ['non-.local name', { candidates: [{ address: 'example.com', port: 1 }] }],
    ['port 0', { candidates: [{ address: '10.0.0.1', port: 0 }] }],
    ['port 65536', { candidates: [{ address: '10.0.0.1', port: 65536 }] }],
    ['relay bad host', { relay: { host: 'bad host', port: 80 } }],
    ['relay bad path', { relay: { host: 'relay.local', port: 80, path: 'no-slash' } }],
    ['expiry before issue', { issuedAt: 100, expiresAt: 100 }],
    ['fractional time', { issuedAt: 1.5 }],
  ])('%s → InvalidArgumentError', (_name, over) => {
    expect(() => card(over)).toThrow(InvalidArgumentError);
  });
});
