/**
 * The room wire format: every DataChannel message is version (u8) ‖ type (u8) ‖ body. A frame of
 * another version is refused with `UnsupportedVersionError`, any malformed one with
 * `MalformedInputError` naming the field (docs/PROTOCOL.md §"Rooms"). Decoding here checks shape and
 * bounds only; a roster's signatures are checked by `openRoster`, which needs the host's key.
 */
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { MalformedInputError, UnsupportedVersionError } from '../errors.js';
import { MAX_DISPLAY_NAME_BYTES } from './names.js';

/** Version byte of the room wire format this build speaks. */
export const ROOM_WIRE_VERSION = 1;

/** Largest application payload on the reliable channel (one SCTP message every browser accepts). */
export const MAX_RELIABLE_DATA = 64 * 1024;

/** Largest application payload on the unreliable channel: one IP packet on a LAN, never fragmented away. */
export const MAX_UNRELIABLE_DATA = 1200;

/** Longest refusal / leave / close reason on the wire, in UTF-8 bytes. */
export const MAX_REASON_BYTES = 256;

/** Longest PIN accepted on the wire. */
const MAX_PIN_BYTES = 32;
/** The proof is an HMAC-SHA-256 tag. */
const PROOF_BYTES = 32;
/** Largest signed roster (64 members of ~250 bytes, departures, signatures). */
const MAX_ROSTER_BYTES = 32 * 1024;

/** Message type codes (the byte after the version). */
export const RoomFrameType = {
  join: 1,
  refused: 2,
  roster: 3,
  data: 4,
  ping: 5,
  pong: 6,
  leave: 7,
  closed: 8,
  kicked: 9,
} as const;

/** A decoded room frame. */
export type RoomFrame =
  | {
      readonly type: 'join';
      readonly room: string;
      readonly name: string;
      /** The member's signature over room and name (`ROOM_NAME_DOMAIN`). */
      readonly nameSignature: Uint8Array;
      /** HMAC proof of the room secret; empty when the member has none (a trusted rejoin). */
      readonly proof: Uint8Array;
      /** The room PIN the user typed; empty when none. */
      readonly pin: string;
    }
  | { readonly type: 'refused'; readonly reason: string }
  | { readonly type: 'roster'; readonly body: Uint8Array }
  | { readonly type: 'data'; readonly data: Uint8Array }
  | { readonly type: 'ping'; readonly nonce: number }
  | { readonly type: 'pong'; readonly nonce: number }
  | { readonly type: 'leave'; readonly reason: string }
  | { readonly type: 'closed'; readonly reason: string }
  | { readonly type: 'kicked'; readonly reason: string };

const header = (type: number) => new ByteWriter().u8(ROOM_WIRE_VERSION).u8(type);

/** Encode one frame. */
export function encodeRoomFrame(frame: RoomFrame): Uint8Array {
  switch (frame.type) {
    case 'join':
      return header(RoomFrameType.join)
        .string(frame.room)
        .string(frame.name)
        .raw(frame.nameSignature)
        .bytes(frame.proof)
        .string(frame.pin)
        .finish();
    case 'roster':
      return header(RoomFrameType.roster).raw(frame.body).finish();
    case 'data':
      return header(RoomFrameType.data).raw(frame.data).finish();
    case 'ping':
    case 'pong':
      return header(RoomFrameType[frame.type]).varuint(frame.nonce).finish();
    default:
      return header(RoomFrameType[frame.type]).string(frame.reason).finish();
  }
}

/** Decode one frame from a DataChannel message; typed errors for anything malformed. */
export function decodeRoomFrame(bytes: Uint8Array): RoomFrame {
  const r = new ByteReader(bytes);
  const version = r.u8('room frame version');
  if (version !== ROOM_WIRE_VERSION)
    throw new UnsupportedVersionError(
      `room wire version ${version} (this build speaks ${ROOM_WIRE_VERSION})`,
    );
  const type = r.u8('room frame type');
  const reason = () => {
    const text = r.string('room reason', MAX_REASON_BYTES);
    r.end('room frame');
    return text;
  };
  switch (type) {
    case RoomFrameType.join: {
      const room = r.string('join room', 32);
      const name = r.string('join name', MAX_DISPLAY_NAME_BYTES);
      const nameSignature = r.raw('join name signature', 64);
      const proof = r.bytes('join proof', PROOF_BYTES);
      if (proof.length !== 0 && proof.length !== PROOF_BYTES)
        throw new MalformedInputError('join proof length');
      const pin = r.string('join pin', MAX_PIN_BYTES);
      r.end('join');
      return { type: 'join', room, name, nameSignature, proof, pin };
    }
    case RoomFrameType.roster: {
      if (r.remaining > MAX_ROSTER_BYTES) throw new MalformedInputError('roster too large');
      return { type: 'roster', body: r.raw('roster', r.remaining) };
    }
    case RoomFrameType.data: {
      if (r.remaining > MAX_RELIABLE_DATA) throw new MalformedInputError('room data too large');
      return { type: 'data', data: r.raw('room data', r.remaining) };
    }
    case RoomFrameType.ping:
    case RoomFrameType.pong: {
      const nonce = r.varuint('heartbeat nonce', 0xffffffff);
      r.end('heartbeat');
      return { type: type === RoomFrameType.ping ? 'ping' : 'pong', nonce };
    }
    case RoomFrameType.refused:
      return { type: 'refused', reason: reason() };
    case RoomFrameType.leave:
      return { type: 'leave', reason: reason() };
    case RoomFrameType.closed:
      return { type: 'closed', reason: reason() };
    case RoomFrameType.kicked:
      return { type: 'kicked', reason: reason() };
    default:
      throw new MalformedInputError(`unknown room frame type ${type}`);
  }
}
