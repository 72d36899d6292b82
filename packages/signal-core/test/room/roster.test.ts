/**
 * Signed presence: a roster opens only when the room host signed it and every entry's name is
 * signed by that entry's own key. Forgeries a relay, a member or a man in the middle could try are
 * each refused with a specific error, so a player never applies a roster it cannot verify.
 */
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../../src/encoding/bytes.js';
import {
  createIdentity,
  type Identity,
  InvalidKeyError,
  InvalidSignatureError,
  MalformedInputError,
  publicIdentity,
} from '../../src/index.js';
import {
  identitySigner,
  openRoster,
  type Roster,
  type RosterEntry,
  roomSecretProof,
  sealRoster,
  signRoomName,
  verifyRoomName,
} from '../../src/room/roster.js';

const host = createIdentity();
const ann = createIdentity();
const bob = createIdentity();
const eve = createIdentity();
const entry = (who: Identity, name: string, role: 'host' | 'player', room = 'game'): RosterEntry => ({
  publicKey: who.publicKey,
  name,
  role,
  joinedAt: 1_700_000_000_000,
  nameSignature: signRoomName(identitySigner(who), room, host.id, name),
});
const roster = (members: RosterEntry[], extra: Partial<Roster> = {}): Roster => ({
  room: 'game',
  version: 3,
  members,
  departed: [],
  ...extra,
});
const honest = () =>
  roster([entry(host, 'Host', 'host'), entry(ann, 'Ann', 'player'), entry(bob, 'Bob', 'player')]);
const expected = { room: 'game', host: publicIdentity(host.publicKey) };

describe('signed roster', () => {
  it('opens an honest roster: ids from the keys, names, roles, order, departures', () => {
    const sealed = sealRoster(identitySigner(host), {
      ...honest(),
      departed: [{ id: eve.id, reason: 'timeout' }],
    });
    const opened = openRoster(sealed, expected);
    expect(opened.version).toBe(3);
    expect(opened.members.map((m) => [m.id, m.name, m.role])).toEqual([
      [host.id, 'Host', 'host'],
      [ann.id, 'Ann', 'player'],
      [bob.id, 'Bob', 'player'],
    ]);
    expect(opened.departed).toEqual([{ id: eve.id, reason: 'timeout' }]);
  });

  it('refuses a roster not signed by the host (another identity signed it)', () => {
    const sealed = sealRoster(identitySigner(eve), honest());
    expect(() => openRoster(sealed, expected)).toThrow(InvalidSignatureError);
    expect(() => openRoster(sealed, expected)).toThrow(/not signed by the room host/);
  });

  it('refuses any bit changed after signing (a tampered name on the wire)', () => {
    const sealed = sealRoster(identitySigner(host), honest());
    // The length-prefixed name "Ann" (3, 'A', 'n', 'n'), renamed to "Eve"-like "Enn".
    const at = sealed.findIndex((_, i) => [3, 65, 110, 110].every((b, j) => sealed[i + j] === b));
    expect(at).toBeGreaterThan(0);
    const tampered = sealed.slice();
    tampered[at + 1] = 'E'.charCodeAt(0);
    expect(() => openRoster(tampered, expected)).toThrow(InvalidSignatureError);
  });

  it('refuses a name the member did not sign, even when the host signs the roster', () => {
    const renamed = { ...entry(ann, 'Ann', 'player'), name: 'Loser' };
    const sealed = sealRoster(identitySigner(host), roster([entry(host, 'Host', 'host'), renamed]));
    expect(() => openRoster(sealed, expected)).toThrow(/a member name is not signed by that member/);
  });

  it("refuses an entry with someone's key but another key's name signature", () => {
    const forged = {
      ...entry(ann, 'Ann', 'player'),
      nameSignature: signRoomName(identitySigner(eve), 'game', host.id, 'Ann'),
    };
    const sealed = sealRoster(identitySigner(host), roster([entry(host, 'Host', 'host'), forged]));
    expect(() => openRoster(sealed, expected)).toThrow(InvalidSignatureError);
  });

  it("refuses a name signed for another host's room of the same name (replayed by a hostile host)", () => {
    const elsewhere = {
      ...entry(ann, 'Ann', 'player'),
      nameSignature: signRoomName(identitySigner(ann), 'game', eve.id, 'Ann'),
    };
    const sealed = sealRoster(identitySigner(host), roster([entry(host, 'Host', 'host'), elsewhere]));
    expect(() => openRoster(sealed, expected)).toThrow(InvalidSignatureError);
  });

  it('refuses a name signature made for another room (replayed from elsewhere)', () => {
    const replayed = entry(ann, 'Ann', 'player', 'other-room');
    const sealed = sealRoster(identitySigner(host), roster([entry(host, 'Host', 'host'), replayed]));
    expect(() => openRoster(sealed, expected)).toThrow(InvalidSignatureError);
  });

  it.each<[string, () => Roster, RegExp]>([
    ['another room', () => ({ ...honest(), room: 'other' }), /another room/],
    [
      'the host entry not first',
      () => roster([entry(ann, 'Ann', 'player'), entry(host, 'Host', 'host')]),
      /host must be the first/,
    ],
    [
      'two hosts',
      () => roster([entry(host, 'Host', 'host'), entry(ann, 'Ann', 'host')]),
      /host must be the first/,
    ],
    [
      'a host entry of another identity',
      () => roster([entry(eve, 'Host', 'host')]),
      /host entry is not the host/,
    ],
    [
      'a member twice',
      () => roster([entry(host, 'Host', 'host'), entry(ann, 'Ann', 'player'), entry(ann, 'Ann', 'player')]),
      /twice/,
    ],
    ['no members', () => roster([]), /no host entry/],
    [
      'a name with a control character',
      () => roster([entry(host, 'Host', 'host'), entry(ann, 'A\u0007', 'player')]),
      /member name/,
    ],
  ])('refuses a host-signed roster with %s (MalformedInputError)', (_, make, message) => {
    const sealed = sealRoster(identitySigner(host), make());
    expect(() => openRoster(sealed, expected)).toThrow(MalformedInputError);
    expect(() => openRoster(sealed, expected)).toThrow(message);
  });

  it('refuses an entry whose key is not a valid Ed25519 point (InvalidKeyError)', () => {
    const bad = { ...entry(ann, 'Ann', 'player'), publicKey: new Uint8Array(32) };
    const sealed = sealRoster(identitySigner(host), roster([entry(host, 'Host', 'host'), bad]));
    expect(() => openRoster(sealed, expected)).toThrow(InvalidKeyError);
  });

  it('refuses truncated bytes (MalformedInputError)', () => {
    expect(() => openRoster(new Uint8Array(10), expected)).toThrow(MalformedInputError);
  });
});

describe('room names and the secret proof', () => {
  it('a name signature binds the room, the host and the name', () => {
    const sig = signRoomName(identitySigner(ann), 'game', host.id, 'Ann');
    expect(verifyRoomName(ann.publicKey, 'game', host.id, 'Ann', sig)).toBe(true);
    expect(verifyRoomName(ann.publicKey, 'game', host.id, 'Anne', sig)).toBe(false);
    expect(verifyRoomName(ann.publicKey, 'gamf', host.id, 'Ann', sig)).toBe(false);
    expect(verifyRoomName(ann.publicKey, 'game', eve.id, 'Ann', sig)).toBe(false);
    expect(verifyRoomName(eve.publicKey, 'game', host.id, 'Ann', sig)).toBe(false);
  });

  it('the proof binds secret, room, host and member', () => {
    const secret = new Uint8Array(16).fill(5);
    const proof = roomSecretProof(secret, 'game', host.id, ann.id);
    expect(proof).toHaveLength(32);
    expect(equalBytes(proof, roomSecretProof(secret, 'game', host.id, ann.id))).toBe(true);
    for (const other of [
      roomSecretProof(new Uint8Array(16).fill(6), 'game', host.id, ann.id),
      roomSecretProof(secret, 'gamf', host.id, ann.id),
      roomSecretProof(secret, 'game', eve.id, ann.id),
      roomSecretProof(secret, 'game', host.id, eve.id),
    ])
      expect(equalBytes(proof, other)).toBe(false);
  });
});
