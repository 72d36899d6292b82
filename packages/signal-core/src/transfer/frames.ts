/**
 * The transfer wire format: every frame is `u8 version = 1 ‖ u8 type ‖ body` (docs/PROTOCOL.md,
 * "File transfer"). Another version is `UnsupportedVersionError`; an unknown type, a bad body or
 * trailing bytes `MalformedInputError` naming the field. The OFFER and ACCEPT payloads may exceed a
 * lane's frame size, so they travel as in-order pieces (`payload.ts` reassembles them).
 */
import { utf8 } from '../encoding/bytes.js';
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { InvalidArgumentError, MalformedInputError, UnsupportedVersionError } from '../errors.js';
import type { TransferLaneKind } from './lane.js';
import {
  LANE_TOKEN_BYTES,
  MAX_LANE_ENDPOINTS,
  MAX_PAYLOAD_BYTES,
  MAX_REASON_CODE_BYTES,
  MAX_REASON_TEXT_BYTES,
  TRANSFER_WIRE_VERSION,
} from './limits.js';

/** Frame type codes (the byte after the version). */
export const TransferFrameType = {
  hello: 1,
  lane: 2,
  useDatachannel: 3,
  token: 4,
  offer: 5,
  accept: 6,
  decline: 7,
  data: 8,
  ack: 9,
  fileDone: 10,
  complete: 11,
  abort: 12,
  keepalive: 13,
} as const;

/** Why a receiver declined an offer (DECLINE reason code = index + 1). */
export const DECLINE_REASONS = ['declined', 'no-space', 'unsafe-path', 'invalid-manifest', 'busy'] as const;

/** A DECLINE reason. */
export type DeclineReason = (typeof DECLINE_REASONS)[number];

const LANE_CODES: readonly TransferLaneKind[] = ['tls', 'datachannel'];

/** Where the receiver's TLS lane listens. */
export interface TransferEndpoint {
  readonly host: string;
  readonly port: number;
}

/** A decoded transfer frame. */
export type TransferFrame =
  | { readonly type: 'hello'; readonly lanes: readonly TransferLaneKind[] }
  | { readonly type: 'lane'; readonly lane: 'datachannel' }
  | {
      readonly type: 'lane';
      readonly lane: 'tls';
      readonly token: Uint8Array;
      readonly endpoints: readonly TransferEndpoint[];
    }
  | { readonly type: 'use-datachannel' }
  /** Reserved: no version-1 agent sends it (the TLS lane's preamble carries the token); refused on a lane. */
  | { readonly type: 'token'; readonly token: Uint8Array }
  | {
      readonly type: 'offer' | 'accept';
      readonly total: number;
      readonly offset: number;
      readonly piece: Uint8Array;
    }
  | { readonly type: 'decline'; readonly reason: DeclineReason; readonly text: string }
  | {
      readonly type: 'data';
      readonly fileIndex: number;
      readonly chunkIndex: number;
      readonly offset: number;
      readonly bytes: Uint8Array;
    }
  | { readonly type: 'ack'; readonly fileIndex: number; readonly chunkIndex: number }
  | { readonly type: 'file-done'; readonly fileIndex: number }
  | { readonly type: 'complete' }
  | { readonly type: 'abort'; readonly reason: string; readonly text: string }
  | { readonly type: 'keepalive' };

const header = (type: number) => new ByteWriter().u8(TRANSFER_WIRE_VERSION).u8(type);
const REASON_CODE = /^[A-Za-z][A-Za-z0-9-]*$/;
const MAX_HOST_BYTES = 253;

function laneCode(lane: TransferLaneKind): number {
  const code = LANE_CODES.indexOf(lane);
  if (code < 0) throw new InvalidArgumentError('unknown lane kind');
  return code + 1;
}

function truncateText(text: string): string {
  // Short text for a person; cut by characters until it fits, never mid-code-point.
  let out = text;
  while (utf8(out).length > MAX_REASON_TEXT_BYTES) out = [...out].slice(0, -1).join('');
  return out;
}

/** Encode one frame; a text longer than its limit is shortened, anything else out of range throws `InvalidArgumentError`. */
export function encodeTransferFrame(frame: TransferFrame): Uint8Array {
  switch (frame.type) {
    case 'hello': {
      const w = header(TransferFrameType.hello).varuint(frame.lanes.length);
      for (const lane of frame.lanes) w.u8(laneCode(lane));
      return w.finish();
    }
    case 'lane': {
      const w = header(TransferFrameType.lane).u8(laneCode(frame.lane));
      if (frame.lane === 'tls') {
        if (frame.token.length !== LANE_TOKEN_BYTES)
          throw new InvalidArgumentError('lane token must be 32 bytes');
        if (frame.endpoints.length === 0 || frame.endpoints.length > MAX_LANE_ENDPOINTS)
          throw new InvalidArgumentError(`a tls lane lists 1 to ${MAX_LANE_ENDPOINTS} endpoints`);
        w.raw(frame.token).varuint(frame.endpoints.length);
        for (const { host, port } of frame.endpoints) {
          if (!Number.isInteger(port) || port < 1 || port > 0xffff)
            throw new InvalidArgumentError('port out of range');
          w.string(host).varuint(port);
        }
      }
      return w.finish();
    }
    case 'use-datachannel':
      return header(TransferFrameType.useDatachannel).finish();
    case 'token':
      if (frame.token.length !== LANE_TOKEN_BYTES)
        throw new InvalidArgumentError('lane token must be 32 bytes');
      return header(TransferFrameType.token).raw(frame.token).finish();
    case 'offer':
    case 'accept':
      return header(frame.type === 'offer' ? TransferFrameType.offer : TransferFrameType.accept)
        .varuint(frame.total)
        .varuint(frame.offset)
        .raw(frame.piece)
        .finish();
    case 'decline':
      return header(TransferFrameType.decline)
        .u8(DECLINE_REASONS.indexOf(frame.reason) + 1)
        .string(truncateText(frame.text))
        .finish();
    case 'data': {
      // One allocation and one copy of the bytes (the writer would grow and copy twice); a lane with
      // `writeParts` gets the header and the bytes apart instead, with no copy (session.ts).
      const head = encodeDataHeader(frame);
      const out = new Uint8Array(head.length + frame.bytes.length);
      out.set(head);
      out.set(frame.bytes, head.length);
      return out;
    }
    case 'ack':
      return header(TransferFrameType.ack).varuint(frame.fileIndex).varuint(frame.chunkIndex).finish();
    case 'file-done':
      return header(TransferFrameType.fileDone).varuint(frame.fileIndex).finish();
    case 'complete':
      return header(TransferFrameType.complete).finish();
    case 'abort':
      if (!REASON_CODE.test(frame.reason) || frame.reason.length > MAX_REASON_CODE_BYTES)
        throw new InvalidArgumentError('abort reason must be a short code');
      return header(TransferFrameType.abort).string(frame.reason).string(truncateText(frame.text)).finish();
    case 'keepalive':
      return header(TransferFrameType.keepalive).finish();
  }
}

/** The bytes of a DATA frame before its payload: version, type, file index, chunk index, offset. */
export function encodeDataHeader(frame: {
  readonly fileIndex: number;
  readonly chunkIndex: number;
  readonly offset: number;
}): Uint8Array {
  return header(TransferFrameType.data)
    .varuint(frame.fileIndex)
    .varuint(frame.chunkIndex)
    .varuint(frame.offset)
    .finish();
}

function decodeBody(type: number, r: ByteReader, frame: Uint8Array): TransferFrame {
  switch (type) {
    case TransferFrameType.hello: {
      const n = r.varuint('lane count', LANE_CODES.length);
      const lanes: TransferLaneKind[] = [];
      for (let i = 0; i < n; i++) {
        const lane = LANE_CODES[r.u8('lane') - 1];
        if (lane === undefined) throw new MalformedInputError('unknown lane kind');
        if (lanes.includes(lane)) throw new MalformedInputError('lane listed twice');
        lanes.push(lane);
      }
      return { type: 'hello', lanes };
    }
    case TransferFrameType.lane: {
      const lane = LANE_CODES[r.u8('lane') - 1];
      if (lane === 'datachannel') return { type: 'lane', lane };
      if (lane !== 'tls') throw new MalformedInputError('unknown lane kind');
      const token = r.raw('lane token', LANE_TOKEN_BYTES);
      const n = r.varuint('endpoint count', MAX_LANE_ENDPOINTS);
      if (n === 0) throw new MalformedInputError('tls lane without endpoints');
      const endpoints: TransferEndpoint[] = [];
      for (let i = 0; i < n; i++) {
        const host = r.string('endpoint host', MAX_HOST_BYTES);
        if (host.length === 0) throw new MalformedInputError('empty endpoint host');
        const port = r.varuint('endpoint port', 0xffff);
        if (port === 0) throw new MalformedInputError('endpoint port 0');
        endpoints.push({ host, port });
      }
      return { type: 'lane', lane, token, endpoints };
    }
    case TransferFrameType.useDatachannel:
      return { type: 'use-datachannel' };
    case TransferFrameType.token:
      return { type: 'token', token: r.raw('lane token', LANE_TOKEN_BYTES) };
    case TransferFrameType.offer:
    case TransferFrameType.accept: {
      const total = r.varuint('payload length', MAX_PAYLOAD_BYTES);
      const offset = r.varuint('payload offset', total);
      const piece = r.raw('payload piece', r.remaining);
      if (offset + piece.length > total) throw new MalformedInputError('payload piece past its length');
      return { type: type === TransferFrameType.offer ? 'offer' : 'accept', total, offset, piece };
    }
    case TransferFrameType.decline: {
      const reason = DECLINE_REASONS[r.u8('decline reason') - 1];
      if (reason === undefined) throw new MalformedInputError('unknown decline reason');
      return { type: 'decline', reason, text: r.string('decline text', MAX_REASON_TEXT_BYTES) };
    }
    case TransferFrameType.data: {
      const fileIndex = r.varuint('file index');
      const chunkIndex = r.varuint('chunk index');
      const offset = r.varuint('chunk offset');
      // A view, not a copy: a lane hands each frame over for good (`TransferLane.onFrame`).
      const bytes = frame.subarray(frame.length - r.remaining);
      if (bytes.length === 0) throw new MalformedInputError('empty data frame');
      return { type: 'data', fileIndex, chunkIndex, offset, bytes };
    }
    case TransferFrameType.ack:
      return { type: 'ack', fileIndex: r.varuint('file index'), chunkIndex: r.varuint('chunk index') };
    case TransferFrameType.fileDone:
      return { type: 'file-done', fileIndex: r.varuint('file index') };
    case TransferFrameType.complete:
      return { type: 'complete' };
    case TransferFrameType.abort: {
      const reason = r.string('abort reason', MAX_REASON_CODE_BYTES);
      if (!REASON_CODE.test(reason)) throw new MalformedInputError('abort reason is not a code');
      return { type: 'abort', reason, text: r.string('abort text', MAX_REASON_TEXT_BYTES) };
    }
    case TransferFrameType.keepalive:
      return { type: 'keepalive' };
    default:
      throw new MalformedInputError(`unknown transfer frame type ${type}`);
  }
}

/** Decode one frame; throws `UnsupportedVersionError` or `MalformedInputError`. */
export function decodeTransferFrame(bytes: Uint8Array): TransferFrame {
  const r = new ByteReader(bytes);
  const version = r.u8('version');
  if (version !== TRANSFER_WIRE_VERSION)
    throw new UnsupportedVersionError(
      `transfer wire version ${version} (this build speaks ${TRANSFER_WIRE_VERSION})`,
    );
  const decoded = decodeBody(r.u8('type'), r, bytes);
  if (decoded.type !== 'data') r.end('transfer frame');
  return decoded;
}
