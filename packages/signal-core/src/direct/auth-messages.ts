/**
 * Wire encoding of the in-band authentication messages (docs/PROTOCOL.md §"Direct connect and in-band
 * authentication"). Every message is `u8 version ‖ u8 type ‖ body`; fields have fixed sizes except
 * the embedded pairing message and the reject reason, so decoding checks exact lengths and rejects
 * trailing bytes. Decoding checks shape only; the runner checks meaning.
 */
import { FINGERPRINT_BYTES } from '../encoding/fingerprint.js';
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { InvalidArgumentError, MalformedInputError, UnsupportedVersionError } from '../errors.js';

/** In-band authentication wire format version. */
export const DIRECT_AUTH_VERSION = 1;
/** Largest auth message accepted; anything longer is `MalformedInputError` before parsing. */
export const MAX_AUTH_MESSAGE_BYTES = 512;
/** Hello flag: the sender wants to pair in-band (initiator) / accepts pairing now (responder). */
export const AUTH_FLAG_PAIR = 0x01;

/** Message types. */
export const AuthType = { hello: 1, proof: 2, pairing: 3, accept: 4, reject: 5 } as const;

const NONCE = 32;
const KEY = 32;
const SIG = 64;
/** Longest embedded pairing message (the largest, a response, is 194 bytes). */
const MAX_PAIRING_BYTES = 256;
const MAX_REASON_BYTES = 64;
/** A reason code is an error name or a short token: nothing a UI could render as markup. */
const REASON_RE = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/** Each side's first message. */
export interface AuthHello {
  readonly flags: number;
  readonly nonce: Uint8Array;
  readonly identityKey: Uint8Array;
  /** The sender's own DTLS certificate fingerprint (raw SHA-256). */
  readonly fingerprint: Uint8Array;
}

/** Any decoded auth message. */
export type AuthMessage =
  | { readonly type: typeof AuthType.hello; readonly hello: AuthHello }
  | { readonly type: typeof AuthType.proof; readonly signature: Uint8Array }
  | { readonly type: typeof AuthType.pairing; readonly pairing: Uint8Array }
  | { readonly type: typeof AuthType.accept }
  | { readonly type: typeof AuthType.reject; readonly reason: string };

function header(type: number): ByteWriter {
  return new ByteWriter().u8(DIRECT_AUTH_VERSION).u8(type);
}

/** Encode a hello. */
export function encodeAuthHello(h: AuthHello): Uint8Array {
  if (h.nonce.length !== NONCE || h.identityKey.length !== KEY || h.fingerprint.length !== FINGERPRINT_BYTES)
    throw new InvalidArgumentError('hello fields have the wrong length');
  return header(AuthType.hello).u8(h.flags).raw(h.nonce).raw(h.identityKey).raw(h.fingerprint).finish();
}

/** Encode a proof (an Ed25519 signature). */
export function encodeAuthProof(signature: Uint8Array): Uint8Array {
  if (signature.length !== SIG) throw new InvalidArgumentError('proof signature must be 64 bytes');
  return header(AuthType.proof).raw(signature).finish();
}

/** Wrap one pairing state-machine message. */
export function encodeAuthPairing(message: Uint8Array): Uint8Array {
  if (message.length < 1 || message.length > MAX_PAIRING_BYTES)
    throw new InvalidArgumentError('pairing message length out of range');
  return header(AuthType.pairing).raw(message).finish();
}

/** The responder's verdict: authenticated. */
export function encodeAuthAccept(): Uint8Array {
  return header(AuthType.accept).finish();
}

/** Either side's verdict: failed, with a stable reason code (an error name); bad codes become `LanrtcError`. */
export function encodeAuthReject(reason: string): Uint8Array {
  return header(AuthType.reject)
    .string(REASON_RE.test(reason) ? reason : 'LanrtcError')
    .finish();
}

/** Decode one auth message; throws `UnsupportedVersionError` or `MalformedInputError`. */
export function decodeAuthMessage(bytes: Uint8Array): AuthMessage {
  if (bytes.length > MAX_AUTH_MESSAGE_BYTES) throw new MalformedInputError('auth message too long');
  const r = new ByteReader(bytes);
  const version = r.u8('auth version');
  if (version !== DIRECT_AUTH_VERSION) throw new UnsupportedVersionError(`auth version ${version}`);
  const type = r.u8('auth message type');
  let message: AuthMessage;
  switch (type) {
    case AuthType.hello: {
      const flags = r.u8('hello flags');
      if ((flags & ~AUTH_FLAG_PAIR) !== 0) throw new MalformedInputError('hello has unknown flag bits');
      const nonce = r.raw('hello nonce', NONCE);
      const identityKey = r.raw('hello identity key', KEY);
      const fingerprint = r.raw('hello fingerprint', FINGERPRINT_BYTES);
      message = { type, hello: { flags, nonce, identityKey, fingerprint } };
      break;
    }
    case AuthType.proof:
      message = { type, signature: r.raw('proof signature', SIG) };
      break;
    case AuthType.pairing: {
      const length = r.remaining;
      if (length < 1 || length > MAX_PAIRING_BYTES)
        throw new MalformedInputError('pairing message length out of range');
      message = { type, pairing: r.raw('pairing message', length) };
      break;
    }
    case AuthType.accept:
      message = { type };
      break;
    case AuthType.reject: {
      const reason = r.string('reject reason', MAX_REASON_BYTES);
      if (!REASON_RE.test(reason)) throw new MalformedInputError('reject reason is not a token');
      message = { type, reason };
      break;
    }
    default:
      throw new MalformedInputError(`unknown auth message type ${type}`);
  }
  r.end('auth message');
  return message;
}
