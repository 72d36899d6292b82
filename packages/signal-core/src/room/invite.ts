/**
 * The room invite: what a host's join QR code or URL carries — room name, host identity id and,
 * for first contact, the room secret. Text form `LRR1:` + uppercase RFC 4648 base32 of the bytes:
 * every character is in the QR alphanumeric set and safe in a URL fragment without escaping.
 * Layout (docs/PROTOCOL.md §"Rooms"): room (string) ‖ host id (16 bytes) ‖ flags (u8: bit 0 =
 * secret present) ‖ secret (16 bytes when flagged).
 */
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { InvalidArgumentError, MalformedInputError, UnsupportedVersionError } from '../errors.js';
import { fromBase32, toBase32 } from '../identity/base32.js';
import { ID_BYTES } from '../identity/identity.js';
import { IDENTITY_ID_PATTERN, isRoomName, ROOM_SECRET_BYTES } from './names.js';

/** What a join QR code / URL carries. */
export interface RoomInvite {
  /** Room name, 1–32 characters of `[a-z0-9-]`. */
  readonly room: string;
  /** The host's identity id. */
  readonly host: string;
  /** 16 random bytes that admit a new member; absent: only members the host already trusts rejoin. */
  readonly secret?: Uint8Array;
}

/** Text prefix of version 1 of the invite text. */
export const ROOM_INVITE_PREFIX = 'LRR1:';

/** Longest invite text accepted (a version-1 invite is at most ~110 characters). */
const MAX_INVITE_TEXT = 256;
const FLAG_SECRET = 1;

/** Encode an invite as `LRR1:` text; `InvalidArgumentError` for a malformed room, host id or secret. */
export function encodeRoomInvite(invite: RoomInvite): string {
  if (!isRoomName(invite.room))
    throw new InvalidArgumentError('room name must be 1–32 characters of a-z, 0-9 and -');
  const host = IDENTITY_ID_PATTERN.test(invite.host) ? fromBase32(invite.host) : undefined;
  if (!host || host.length !== ID_BYTES) throw new InvalidArgumentError('host is not an identity id');
  if (invite.secret !== undefined && invite.secret.length !== ROOM_SECRET_BYTES)
    throw new InvalidArgumentError(`room secret must be ${ROOM_SECRET_BYTES} bytes`);
  const w = new ByteWriter()
    .string(invite.room)
    .raw(host)
    .u8(invite.secret ? FLAG_SECRET : 0);
  if (invite.secret) w.raw(invite.secret);
  return ROOM_INVITE_PREFIX + toBase32(w.finish()).toUpperCase();
}

/**
 * Decode `LRR1:` text (case-insensitive; a trailing line break is ignored): `MalformedInputError`
 * for anything that is not a well-formed invite, `UnsupportedVersionError` for another `LRR` version.
 */
export function decodeRoomInvite(text: string): RoomInvite {
  if (typeof text !== 'string') throw new MalformedInputError('room invite is not text');
  const t = text.replace(/[\r\n]+$/, '');
  if (t.length > MAX_INVITE_TEXT) throw new MalformedInputError('room invite text too long');
  const m = /^LRR([0-9A-Z]+):/i.exec(t);
  if (!m) throw new MalformedInputError('text is not a lanrtc room invite');
  if (m[1] !== '1') throw new UnsupportedVersionError('unsupported room invite version');
  const bytes = fromBase32(t.slice(m[0].length));
  if (!bytes) throw new MalformedInputError('room invite is not base32');
  const r = new ByteReader(bytes);
  const room = r.string('invite room', 32);
  if (!isRoomName(room)) throw new MalformedInputError('invite room name is malformed');
  const host = toBase32(r.raw('invite host', ID_BYTES));
  const flags = r.u8('invite flags');
  if ((flags & ~FLAG_SECRET) !== 0) throw new MalformedInputError('invite has unknown flags');
  const secret = flags & FLAG_SECRET ? r.raw('invite secret', ROOM_SECRET_BYTES) : undefined;
  r.end('room invite');
  return secret ? { room, host, secret } : { room, host };
}
