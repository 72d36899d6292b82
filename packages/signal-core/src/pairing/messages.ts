/**
 * Wire encoding of the pairing messages (docs/PROTOCOL.md §"Pairing (PAKE)"). Every message starts
 * with `u8 version` and `u8 type`; all later fields have fixed sizes, so a decoder checks exact
 * lengths and rejects trailing bytes. Decoding checks shape only; the state machine checks meaning.
 */
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { MalformedInputError, UnsupportedVersionError } from '../errors.js';

/**
 * Pairing wire format version. Version 2 added compare mode's two `confirm` messages (each user's
 * verdict); pin/secret messages are laid out as in version 1. Any other version is refused.
 */
export const PAIRING_VERSION = 2;

/** Message types (`confirm` exists in compare mode only). */
export const MessageType = { hello: 1, response: 2, finish: 3, abort: 4, confirm: 5 } as const;
/** Mode codes carried in the hello and bound into every transcript. */
export const ModeCode = { pin: 1, secret: 2, compare: 3 } as const;
/** Abort reason: the sender ends the pairing as failed (the only reason in version 1). */
const ABORT_FAILED = 1;

const KEY = 32;
const SIG = 64;
const TAG = 32;

/** Initiator → responder: a CPace share Ya (pin/secret) or a commitment (compare), plus identity. */
export interface Hello {
  readonly mode: number;
  readonly share: Uint8Array;
  readonly identityKey: Uint8Array;
  readonly fingerprint: Uint8Array;
}
/** Responder → initiator. `nonce` only in compare mode, `tag` only in pin/secret mode. */
export interface Response {
  readonly share: Uint8Array;
  readonly nonce?: Uint8Array;
  readonly identityKey: Uint8Array;
  readonly fingerprint: Uint8Array;
  readonly tag?: Uint8Array;
  readonly signature: Uint8Array;
}
/** Initiator → responder. CPace: `tag`; compare: the revealed `share` and `nonce`. */
export interface Finish {
  readonly share?: Uint8Array;
  readonly nonce?: Uint8Array;
  readonly tag?: Uint8Array;
  readonly signature: Uint8Array;
}
/** Compare mode, either way: the sender's user accepted the digits; `tag` proves the sender knows K. */
export interface Confirm {
  readonly tag: Uint8Array;
}
/** Any decoded pairing message. */
export type PairingMessage =
  | { readonly type: typeof MessageType.hello; readonly body: Hello }
  | { readonly type: typeof MessageType.response; readonly body: Response }
  | { readonly type: typeof MessageType.finish; readonly body: Finish }
  | { readonly type: typeof MessageType.abort }
  | { readonly type: typeof MessageType.confirm; readonly body: Confirm };

/**
 * The mode a hello asks for, read without decoding the rest (undefined for anything that is not a
 * well-formed start of a hello): the responder picks the pairing window for that mode first.
 */
export function peekHelloMode(bytes: Uint8Array): keyof typeof ModeCode | undefined {
  if (bytes.length < 3 || bytes[0] !== PAIRING_VERSION || bytes[1] !== MessageType.hello) return undefined;
  const code = bytes[2];
  for (const [kind, c] of Object.entries(ModeCode)) if (c === code) return kind as keyof typeof ModeCode;
  return undefined;
}

function header(type: number): ByteWriter {
  return new ByteWriter().u8(PAIRING_VERSION).u8(type);
}

/** Encode a hello. */
export function encodeHello(m: Hello): Uint8Array {
  return header(MessageType.hello).u8(m.mode).raw(m.share).raw(m.identityKey).raw(m.fingerprint).finish();
}

/** Encode a response (compare mode carries `nonce`, pin/secret mode carries `tag`). */
export function encodeResponse(m: Response): Uint8Array {
  const w = header(MessageType.response).raw(m.share);
  if (m.nonce) w.raw(m.nonce);
  w.raw(m.identityKey).raw(m.fingerprint);
  if (m.tag) w.raw(m.tag);
  return w.raw(m.signature).finish();
}

/** Encode a finish. */
export function encodeFinish(m: Finish): Uint8Array {
  const w = header(MessageType.finish);
  if (m.share) w.raw(m.share);
  if (m.nonce) w.raw(m.nonce);
  if (m.tag) w.raw(m.tag);
  return w.raw(m.signature).finish();
}

/** Encode a compare-mode confirm (the sender's user accepted the digits). */
export function encodeConfirm(m: Confirm): Uint8Array {
  return header(MessageType.confirm).raw(m.tag).finish();
}

/** The abort message a side sends when it gives up (wrong PIN, rejected digits, locked, timeout). */
export function encodePairingAbort(): Uint8Array {
  return header(MessageType.abort).u8(ABORT_FAILED).finish();
}

/**
 * Decode any pairing message. `compare` says which layout response/finish use and whether a
 * confirm may occur (known from the session's mode). Throws `UnsupportedVersionError` or `MalformedInputError`.
 */
export function decodePairingMessage(bytes: Uint8Array, compare: boolean): PairingMessage {
  const r = new ByteReader(bytes);
  const version = r.u8('pairing version');
  if (version !== PAIRING_VERSION)
    throw new UnsupportedVersionError(
      `pairing version ${version} is not supported (this side speaks version ${PAIRING_VERSION})`,
    );
  const type = r.u8('pairing message type');
  let message: PairingMessage;
  switch (type) {
    case MessageType.hello: {
      const mode = r.u8('pairing mode');
      if (mode !== ModeCode.pin && mode !== ModeCode.secret && mode !== ModeCode.compare)
        throw new MalformedInputError(`unknown pairing mode ${mode}`);
      const share = r.raw('hello share', KEY);
      const identityKey = r.raw('hello identity key', KEY);
      const fingerprint = r.raw('hello fingerprint', KEY);
      message = { type, body: { mode, share, identityKey, fingerprint } };
      break;
    }
    case MessageType.response: {
      const share = r.raw('response share', KEY);
      const nonce = compare ? r.raw('response nonce', KEY) : undefined;
      const identityKey = r.raw('response identity key', KEY);
      const fingerprint = r.raw('response fingerprint', KEY);
      const tag = compare ? undefined : r.raw('response tag', TAG);
      const signature = r.raw('response signature', SIG);
      const body: Response = compare
        ? { share, nonce: nonce as Uint8Array, identityKey, fingerprint, signature }
        : { share, identityKey, fingerprint, tag: tag as Uint8Array, signature };
      message = { type, body };
      break;
    }
    case MessageType.finish: {
      const body: Finish = compare
        ? {
            share: r.raw('finish share', KEY),
            nonce: r.raw('finish nonce', KEY),
            signature: r.raw('finish signature', SIG),
          }
        : { tag: r.raw('finish tag', TAG), signature: r.raw('finish signature', SIG) };
      message = { type, body };
      break;
    }
    case MessageType.abort: {
      const reason = r.u8('abort reason');
      if (reason !== ABORT_FAILED) throw new MalformedInputError(`unknown abort reason ${reason}`);
      message = { type };
      break;
    }
    case MessageType.confirm: {
      if (!compare) throw new MalformedInputError('pairing confirm outside compare mode');
      message = { type, body: { tag: r.raw('confirm tag', TAG) } };
      break;
    }
    default:
      throw new MalformedInputError(`unknown pairing message type ${type}`);
  }
  r.end('pairing message');
  return message;
}
