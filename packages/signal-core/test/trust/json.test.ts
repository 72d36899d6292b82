import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../../src/errors.js';
import { knownPeerFromJson, knownPeerToJson } from '../../src/trust/json.js';
import { samplePeer } from './conformance.js';

describe('KnownPeer JSON form', () => {
  it('round-trips through JSON text, optional fields included or absent', () => {
    for (const full of [false, true]) {
      const peer = samplePeer(1, full);
      const back = knownPeerFromJson(JSON.parse(JSON.stringify(knownPeerToJson(peer))));
      expect(back).toEqual(peer);
      expect('lastAddress' in back).toBe(full);
    }
  });

  const good = (): Record<string, unknown> => knownPeerToJson(samplePeer(2, true)) as Record<string, unknown>;
  it.each<[string, () => unknown]>([
    ['null', () => null],
    ['an array', () => []],
    ['id of another key', () => ({ ...good(), id: samplePeer(3).id })],
    ['short public key', () => ({ ...good(), publicKey: 'abcd' })],
    [
      'non-hex fingerprint',
      () => ({ ...good(), fingerprints: [{ fingerprint: 'zz'.repeat(32), firstSeen: 1, lastSeen: 1 }] }),
    ],
    ['negative time', () => ({ ...good(), firstSeen: -1 })],
    ['fractional failures', () => ({ ...good(), failures: 1.5 })],
    ['unknown flag kind', () => ({ ...good(), flags: [{ kind: 'evil', at: 1, detail: '' }] })],
    ['grant actions not strings', () => ({ ...good(), grants: [{ scope: 's', actions: [1] }] })],
    ['missing name', () => ({ ...good(), name: undefined })],
  ])('rejects %s with MalformedInputError', (_name, make) => {
    expect(() => knownPeerFromJson(make())).toThrow(MalformedInputError);
  });
});
