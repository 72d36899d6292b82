/**
 * Relay wire protocol, version 1 (docs/PROTOCOL.md §"Relay protocol"): the few frames a relay and its
 * clients exchange over one WebSocket, each a binary message `version ‖ code ‖ fields`. Platform-free
 * so browsers (native WebSocket) and Node (`ws`) share one codec. `decodeRelayFrame` is the only way
 * to read a frame: every field is bounds-checked, unknown codes and trailing bytes are rejected.
 * The relay never looks inside `send`/`deliver` bytes: they are sealed envelopes it cannot forge.
 */

import { utf8 } from '../encoding/bytes.js';
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { MAX_ENVELOPE_PAYLOAD } from '../envelope/types.js';
import { InvalidArgumentError, MalformedInputError, UnsupportedVersionError } from '../errors.js';
import { ID_BYTES } from '../identity/identity.js';

/** Relay protocol version this build writes and reads. */
export const RELAY_VERSION = 1;
/** Bytes of the relay's auth challenge. */
export const RELAY_CHALLENGE_BYTES = 32;
/** Largest opaque payload of `send`/`deliver`: a maximal envelope (64 KiB payload + header) fits. */
export const MAX_RELAY_PAYLOAD = MAX_ENVELOPE_PAYLOAD + 1024;
/** Largest room name in UTF-8 bytes. */
export const MAX_ROOM_BYTES = 64;
/** Largest endpoint string (the relay's `host:port` as the client addressed it). */
export const MAX_ENDPOINT_BYTES = 255;
/** Largest error detail text. */
export const MAX_ERROR_DETAIL_BYTES = 200;
/** Most member ids one `joined` frame may list (a relay's room limit must not exceed it). */
export const MAX_ROOM_MEMBERS = 1024;

/** Stable error codes of the relay's `error` frame; clients branch on the name, never on the text. */
export const RELAY_ERROR_CODES = {
  'malformed-frame': 1,
  'unsupported-version': 2,
  'not-authenticated': 3,
  'auth-failed': 4,
  'frame-too-large': 5,
  'rate-limited': 6,
  'room-full': 7,
  'too-many-rooms': 8,
  'unknown-recipient': 9,
  replaced: 10,
  'idle-timeout': 11,
  'slow-consumer': 12,
  'shutting-down': 13,
  'server-full': 14,
  'auth-timeout': 15,
  'address-full': 16,
} as const;

/** Name of a relay error code. */
export type RelayErrorCode = keyof typeof RELAY_ERROR_CODES;

const ERROR_BY_NUMBER = new Map<number, RelayErrorCode>(
  Object.entries(RELAY_ERROR_CODES).map(([name, n]) => [n, name as RelayErrorCode]),
);

/** Largest heartbeat sequence number (`ping` / `pong`): it wraps to 0 after this. */
export const MAX_HEARTBEAT_SEQ = 0xffff_ffff;
/** Frame type codes: 0x0_ / 0x1_ relay → client, 0x8_ client → relay (0 reserved). */
export const RELAY_FRAME_CODES = {
  hello: 0x01,
  welcome: 0x02,
  deliver: 0x10,
  joined: 0x11,
  presence: 0x12,
  pong: 0x13,
  error: 0x1e,
  auth: 0x81,
  send: 0x82,
  join: 0x83,
  leave: 0x84,
  ping: 0x85,
} as const;

/** Every relay frame, decoded. Ids are the raw 16 id bytes. */
export type RelayFrame =
  | { type: 'hello'; challenge: Uint8Array; endpoint: string; maxPayload: number; heartbeatMs: number }
  | { type: 'welcome'; id: Uint8Array }
  | { type: 'deliver'; from: Uint8Array; bytes: Uint8Array }
  | { type: 'joined'; room: string; members: Uint8Array[] }
  | { type: 'presence'; room: string; id: Uint8Array; present: boolean }
  | { type: 'error'; code: RelayErrorCode; subject: string; detail: string }
  | { type: 'auth'; publicKey: Uint8Array; signature: Uint8Array }
  | { type: 'send'; to: Uint8Array; bytes: Uint8Array }
  | { type: 'join'; room: string }
  | { type: 'leave'; room: string }
  /** Client heartbeat: the relay answers `pong` with the same `seq` (browsers cannot send WebSocket pings). */
  | { type: 'ping'; seq: number }
  | { type: 'pong'; seq: number };

function fixed(bytes: Uint8Array, length: number, field: string): Uint8Array {
  if (bytes.length !== length) throw new InvalidArgumentError(`${field} must be ${length} bytes`);
  return bytes;
}

/** UTF-8 of `text`, refused unless its length is within what the decoder accepts. */
function bounded(text: string, min: number, max: number, field: string): Uint8Array {
  const bytes = utf8(text);
  if (bytes.length < min || bytes.length > max)
    throw new InvalidArgumentError(`${field} must be ${min}–${max} bytes of UTF-8`);
  return bytes;
}

function payload(bytes: Uint8Array): Uint8Array {
  if (bytes.length > MAX_RELAY_PAYLOAD) throw new InvalidArgumentError('payload exceeds MAX_RELAY_PAYLOAD');
  return bytes;
}

/** Encode a relay frame; throws `InvalidArgumentError` for a field the decoder would refuse. */
export function encodeRelayFrame(frame: RelayFrame): Uint8Array {
  const w = new ByteWriter().u8(RELAY_VERSION).u8(RELAY_FRAME_CODES[frame.type]);
  switch (frame.type) {
    case 'hello':
      return w
        .raw(fixed(frame.challenge, RELAY_CHALLENGE_BYTES, 'challenge'))
        .bytes(bounded(frame.endpoint, 0, MAX_ENDPOINT_BYTES, 'endpoint'))
        .varuint(frame.maxPayload)
        .varuint(frame.heartbeatMs)
        .finish();
    case 'welcome':
      return w.raw(fixed(frame.id, ID_BYTES, 'id')).finish();
    case 'deliver':
      return encodeDeliver(frame.from, frame.bytes);
    case 'joined':
      if (frame.members.length > MAX_ROOM_MEMBERS) throw new InvalidArgumentError('too many members');
      w.bytes(bounded(frame.room, 1, MAX_ROOM_BYTES, 'room')).varuint(frame.members.length);
      for (const m of frame.members) w.raw(fixed(m, ID_BYTES, 'member'));
      return w.finish();
    case 'presence':
      return w
        .bytes(bounded(frame.room, 1, MAX_ROOM_BYTES, 'room'))
        .raw(fixed(frame.id, ID_BYTES, 'id'))
        .u8(frame.present ? 1 : 0)
        .finish();
    case 'error':
      return w
        .u8(RELAY_ERROR_CODES[frame.code])
        .bytes(bounded(frame.subject, 0, MAX_ROOM_BYTES, 'subject'))
        .bytes(bounded(frame.detail, 0, MAX_ERROR_DETAIL_BYTES, 'detail'))
        .finish();
    case 'auth':
      return w
        .raw(fixed(frame.publicKey, 32, 'public key'))
        .raw(fixed(frame.signature, 64, 'signature'))
        .finish();
    case 'send':
      return encodeAddressed(RELAY_FRAME_CODES.send, frame.to, frame.bytes);
    case 'join':
    case 'leave':
      return w.bytes(bounded(frame.room, 1, MAX_ROOM_BYTES, 'room')).finish();
    case 'ping':
    case 'pong':
      if (!Number.isInteger(frame.seq) || frame.seq < 0 || frame.seq > MAX_HEARTBEAT_SEQ)
        throw new InvalidArgumentError('heartbeat seq out of range');
      return w.varuint(frame.seq).finish();
  }
}

/** `version ‖ code ‖ id16 ‖ varuint length ‖ bytes` in one exact-size allocation (the hot path). */
function encodeAddressed(code: number, id: Uint8Array, bytes: Uint8Array): Uint8Array {
  const header = new ByteWriter()
    .u8(RELAY_VERSION)
    .u8(code)
    .raw(fixed(id, ID_BYTES, 'id'))
    .varuint(payload(bytes).length)
    .finish();
  const out = new Uint8Array(header.length + bytes.length);
  out.set(header);
  out.set(bytes, header.length);
  return out;
}

/** Encode a `deliver` frame (the same bytes as `encodeRelayFrame` gives). */
export function encodeDeliver(from: Uint8Array, bytes: Uint8Array): Uint8Array {
  return encodeAddressed(RELAY_FRAME_CODES.deliver, from, bytes);
}

/** Offset of the 16-byte id in `send` and `deliver` frames. */
export const RELAY_ADDRESS_OFFSET = 2;

/**
 * The relay's hot path: check that `frame` is a complete, well-formed `send` frame without copying
 * anything (the payload is opaque; only the header is read, with the same bounds as
 * `decodeRelayFrame`). Throws `MalformedInputError` otherwise.
 */
export function assertSendFrame(frame: Uint8Array): void {
  if (frame[0] !== RELAY_VERSION || frame[1] !== RELAY_FRAME_CODES.send)
    throw new MalformedInputError('not a send frame');
  const header = RELAY_ADDRESS_OFFSET + ID_BYTES;
  // The payload length is a minimal LEB128 varuint of at most MAX_RELAY_PAYLOAD (< 2^21, so at most
  // three bytes), read inline: this runs once per forwarded frame and allocates nothing.
  let length = 0;
  let at = header;
  for (let shift = 0; ; shift += 7) {
    const byte = frame[at++];
    if (byte === undefined) throw new MalformedInputError('truncated: payload');
    if (shift === 21) throw new MalformedInputError('out of range: payload');
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) {
      if (shift > 0 && byte === 0) throw new MalformedInputError('non-minimal varint: payload');
      break;
    }
  }
  if (length > MAX_RELAY_PAYLOAD) throw new MalformedInputError('out of range: payload');
  if (frame.length - at !== length)
    throw new MalformedInputError('send payload length does not match the frame');
}

/**
 * Check a client's `send` frame and rewrite it into the `deliver` frame for its recipient. Both
 * layouts are `version ‖ code ‖ id16 ‖ varuint length ‖ bytes`, so the rewrite is one copy with the
 * code and id replaced — the sender id is the authenticated one, never the client's claim. Throws
 * `MalformedInputError` unless `frame` is a complete, well-formed `send` frame.
 */
export function sendToDeliver(frame: Uint8Array, from: Uint8Array): { to: Uint8Array; deliver: Uint8Array } {
  assertSendFrame(frame);
  const to = frame.slice(RELAY_ADDRESS_OFFSET, RELAY_ADDRESS_OFFSET + ID_BYTES);
  const deliver = frame.slice();
  deliver[1] = RELAY_FRAME_CODES.deliver;
  deliver.set(fixed(from, ID_BYTES, 'from'), RELAY_ADDRESS_OFFSET);
  return { to, deliver };
}

function room(r: ByteReader): string {
  const name = r.string('room', MAX_ROOM_BYTES);
  if (name.length === 0) throw new MalformedInputError('empty room name');
  return name;
}

/**
 * Decode and bounds-check one frame. Throws `UnsupportedVersionError` for another version (checked
 * first, so a future layout is never misparsed) and `MalformedInputError` for everything else.
 */
export function decodeRelayFrame(bytes: Uint8Array): RelayFrame {
  const r = new ByteReader(bytes);
  const version = r.u8('relay version');
  if (version !== RELAY_VERSION) throw new UnsupportedVersionError(`relay version ${version}`);
  const code = r.u8('relay frame type');
  let frame: RelayFrame;
  switch (code) {
    case RELAY_FRAME_CODES.hello:
      frame = {
        type: 'hello',
        challenge: r.raw('challenge', RELAY_CHALLENGE_BYTES),
        endpoint: r.string('endpoint', MAX_ENDPOINT_BYTES),
        maxPayload: r.varuint('max payload'),
        heartbeatMs: r.varuint('heartbeat'),
      };
      break;
    case RELAY_FRAME_CODES.welcome:
      frame = { type: 'welcome', id: r.raw('id', ID_BYTES) };
      break;
    case RELAY_FRAME_CODES.deliver:
      frame = {
        type: 'deliver',
        from: r.raw('from', ID_BYTES),
        bytes: r.bytes('payload', MAX_RELAY_PAYLOAD),
      };
      break;
    case RELAY_FRAME_CODES.joined: {
      const name = room(r);
      const count = r.varuint('member count', MAX_ROOM_MEMBERS);
      // The count is bounded and each member must really be present: no allocation from a claim.
      if (count * ID_BYTES > r.remaining) throw new MalformedInputError('truncated: members');
      const members: Uint8Array[] = [];
      for (let i = 0; i < count; i++) members.push(r.raw('member', ID_BYTES));
      frame = { type: 'joined', room: name, members };
      break;
    }
    case RELAY_FRAME_CODES.presence: {
      const name = room(r);
      const id = r.raw('id', ID_BYTES);
      const flag = r.u8('present');
      if (flag > 1) throw new MalformedInputError('presence flag must be 0 or 1');
      frame = { type: 'presence', room: name, id, present: flag === 1 };
      break;
    }
    case RELAY_FRAME_CODES.error: {
      const n = r.u8('error code');
      const name = ERROR_BY_NUMBER.get(n);
      if (!name) throw new MalformedInputError(`unknown relay error code ${n}`);
      frame = {
        type: 'error',
        code: name,
        subject: r.string('error subject', MAX_ROOM_BYTES),
        detail: r.string('error detail', MAX_ERROR_DETAIL_BYTES),
      };
      break;
    }
    case RELAY_FRAME_CODES.auth:
      frame = { type: 'auth', publicKey: r.raw('public key', 32), signature: r.raw('signature', 64) };
      break;
    case RELAY_FRAME_CODES.send:
      frame = { type: 'send', to: r.raw('to', ID_BYTES), bytes: r.bytes('payload', MAX_RELAY_PAYLOAD) };
      break;
    case RELAY_FRAME_CODES.join:
      frame = { type: 'join', room: room(r) };
      break;
    case RELAY_FRAME_CODES.leave:
      frame = { type: 'leave', room: room(r) };
      break;
    case RELAY_FRAME_CODES.ping:
      frame = { type: 'ping', seq: r.varuint('seq', MAX_HEARTBEAT_SEQ) };
      break;
    case RELAY_FRAME_CODES.pong:
      frame = { type: 'pong', seq: r.varuint('seq', MAX_HEARTBEAT_SEQ) };
      break;
    default:
      throw new MalformedInputError(`unknown relay frame type ${code}`);
  }
  r.end('relay frame');
  return frame;
}
