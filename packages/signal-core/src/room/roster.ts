/**
 * Signed presence. Each member signs its own display name for the room at this host
 * (`ROOM_NAME_DOMAIN`); the host signs every roster it sends (`ROOM_ROSTER_DOMAIN`) over the room, a
 * version counter, every member entry with its own name signature, and who left since the last
 * version. A player accepts a roster only through `openRoster`, which checks the host's signature
 * against the identity the connection authenticated and every entry's signature against the entry's
 * key: neither a relay nor another member can add, rename or remove anyone.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from '../encoding/bytes.js';
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { InvalidKeyError, InvalidSignatureError, MalformedInputError } from '../errors.js';
import {
  type Identity,
  identityId,
  type PublicIdentity,
  publicIdentity,
  signWithDomain,
  verifyWithDomain,
} from '../identity/identity.js';
import { isDisplayName, MAX_DISPLAY_NAME_BYTES, MAX_MEMBERS_LIMIT } from './names.js';
import type { RoomMember, RoomRole } from './types.js';

/** Domain of a member's signature over its display name in a room. */
export const ROOM_NAME_DOMAIN = 'lanrtc/room/name/v1';
/** Domain of the host's signature over a roster. */
export const ROOM_ROSTER_DOMAIN = 'lanrtc/room/roster/v1';
/** Domain of the HMAC proof that a joining member holds the room secret. */
export const ROOM_PROOF_DOMAIN = 'lanrtc/room/proof/v1';

const ROLE_HOST = 0;
const ROLE_PLAYER = 1;

/** One roster entry as the host signs it. */
export interface RosterEntry {
  readonly publicKey: Uint8Array;
  readonly name: string;
  readonly role: RoomRole;
  /** ms since the epoch, host clock. */
  readonly joinedAt: number;
  /** The member's own signature over room and name. */
  readonly nameSignature: Uint8Array;
}

/** A member who left since the previous roster version, and why. */
export interface RosterDeparture {
  readonly id: string;
  readonly reason: string;
}

/** A roster: who is in the room at `version` (host first). */
export interface Roster {
  readonly room: string;
  readonly version: number;
  readonly members: readonly RosterEntry[];
  readonly departed: readonly RosterDeparture[];
}

/** A roster that verified: its members as the API shows them. */
export interface VerifiedRoster {
  readonly version: number;
  readonly members: readonly RoomMember[];
  readonly departed: readonly RosterDeparture[];
}

const nameMessage = (room: string, host: string, name: string) =>
  new ByteWriter().string(room).string(host).string(name).finish();

/** Signs `message` under `domain` with an identity's key (an agent's `signRoomMessage`, or `identitySigner`). */
export type RoomSigner = (domain: string, message: Uint8Array) => Uint8Array;

/** A signer over an `Identity` held in memory (tests, tools). */
export function identitySigner(identity: Identity): RoomSigner {
  return (domain, message) => signWithDomain(identity, domain, message);
}

/** The domains an agent signs for the rooms layer; any other is refused. */
export const ROOM_SIGNATURE_DOMAINS: readonly string[] = [ROOM_NAME_DOMAIN, ROOM_ROSTER_DOMAIN];

/** The bytes a member signs for its display name in `room`. */
export function roomNameMessage(room: string, host: string, name: string): Uint8Array {
  return nameMessage(room, host, name);
}

/** The member's signature over its display name in `room`. */
export function signRoomName(sign: RoomSigner, room: string, host: string, name: string): Uint8Array {
  return sign(ROOM_NAME_DOMAIN, nameMessage(room, host, name));
}

/** True when `signature` is `publicKey`'s signature over `name` in `room`. */
export function verifyRoomName(
  publicKey: Uint8Array,
  room: string,
  host: string,
  name: string,
  signature: Uint8Array,
): boolean {
  return verifyWithDomain(publicKey, ROOM_NAME_DOMAIN, nameMessage(room, host, name), signature);
}

/**
 * The HMAC-SHA-256 proof (RFC 2104) that a member holds the room secret, bound to the room, the
 * host and the member's own identity, so a proof seen once is worth nothing to anyone else.
 */
export function roomSecretProof(secret: Uint8Array, room: string, host: string, member: string): Uint8Array {
  const message = new ByteWriter().string(room).string(host).string(member).finish();
  return hmac(sha256, secret, concatBytes(utf8(ROOM_PROOF_DOMAIN), new Uint8Array([0]), message));
}

function rosterBody(roster: Roster): Uint8Array {
  const w = new ByteWriter().string(roster.room).varuint(roster.version).varuint(roster.members.length);
  for (const m of roster.members) {
    w.raw(m.publicKey)
      .string(m.name)
      .u8(m.role === 'host' ? ROLE_HOST : ROLE_PLAYER)
      .varuint(m.joinedAt)
      .raw(m.nameSignature);
  }
  w.varuint(roster.departed.length);
  for (const d of roster.departed) w.string(d.id).string(d.reason);
  return w.finish();
}

/** Encode and sign a roster as the host: body ‖ the host's 64-byte signature. */
export function sealRoster(sign: RoomSigner, roster: Roster): Uint8Array {
  const body = rosterBody(roster);
  return concatBytes(body, sign(ROOM_ROSTER_DOMAIN, body));
}

/**
 * Decode and verify a roster from `host` for `room`: `InvalidSignatureError` when the host's
 * signature or any entry's name signature fails, `MalformedInputError` for a malformed roster, one
 * for another room, a first entry that is not `host`, a second host or a member listed twice.
 */
export function openRoster(
  bytes: Uint8Array,
  expected: { readonly room: string; readonly host: PublicIdentity },
): VerifiedRoster {
  if (bytes.length < 64) throw new MalformedInputError('truncated: roster signature');
  const body = bytes.subarray(0, bytes.length - 64);
  const signature = bytes.subarray(bytes.length - 64);
  if (!verifyWithDomain(expected.host.publicKey, ROOM_ROSTER_DOMAIN, body, signature))
    throw new InvalidSignatureError('roster: not signed by the room host');
  const r = new ByteReader(body);
  const room = r.string('roster room', 32);
  if (room !== expected.room) throw new MalformedInputError('roster is for another room');
  const version = r.varuint('roster version');
  const count = r.varuint('roster member count', MAX_MEMBERS_LIMIT + 1);
  if (count < 1) throw new MalformedInputError('roster has no host entry');
  const members: RoomMember[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const publicKey = r.raw('roster member key', 32);
    const name = r.string('roster member name', MAX_DISPLAY_NAME_BYTES);
    const roleByte = r.u8('roster member role');
    const joinedAt = r.varuint('roster member joinedAt');
    const nameSignature = r.raw('roster member name signature', 64);
    if (roleByte !== ROLE_HOST && roleByte !== ROLE_PLAYER)
      throw new MalformedInputError('roster member role');
    const role: RoomRole = roleByte === ROLE_HOST ? 'host' : 'player';
    if ((i === 0) !== (role === 'host'))
      throw new MalformedInputError('roster: the host must be the first entry and the only host');
    if (!isDisplayName(name)) throw new MalformedInputError('roster member name');
    let identity: PublicIdentity;
    try {
      identity = publicIdentity(publicKey);
    } catch (cause) {
      throw new InvalidKeyError('roster member key is not a valid public key', { cause });
    }
    if (i === 0 && identity.id !== expected.host.id)
      throw new MalformedInputError('roster host entry is not the host');
    if (seen.has(identity.id)) throw new MalformedInputError('roster lists a member twice');
    seen.add(identity.id);
    if (!verifyRoomName(publicKey, room, expected.host.id, name, nameSignature))
      throw new InvalidSignatureError('roster: a member name is not signed by that member');
    members.push({ id: identity.id, name, role, joinedAt });
  }
  const departures = r.varuint('roster departure count', MAX_MEMBERS_LIMIT * 4);
  const departed: RosterDeparture[] = [];
  for (let i = 0; i < departures; i++) {
    const id = r.string('roster departure id', 26);
    const reason = r.string('roster departure reason', 64);
    departed.push({ id, reason });
  }
  r.end('roster');
  return { version, members, departed };
}

/** The id a roster entry's key gives (for the host building entries). */
export function entryId(entry: RosterEntry): string {
  return identityId(entry.publicKey);
}
