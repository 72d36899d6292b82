/**
 * The pairing state machine: first contact between two agents, over byte messages any transport can
 * carry. PIN and QR-secret modes run CPace (draft-irtf-cfrg-cpace-21, CPACE-RISTR255-SHA512) with
 * explicit key confirmation (§10.4) and an identity signature per side; compare mode runs an
 * ephemeral ristretto255 Diffie-Hellman with a commit-then-reveal transcript and 6 digits the user
 * compares. Three messages in pin/secret mode: hello (I→R), response (R→I), finish (I→R); compare
 * mode adds one `confirm` each way, sent when that side's user accepts the digits, and yields a
 * result only once both users have accepted (docs/PROTOCOL.md §"Compare mode").
 * One file because the two modes share state, key schedule and error handling.
 */
import { ristretto255 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { concatBytes, equalBytes, utf8 } from '../encoding/bytes.js';
import { FINGERPRINT_BYTES } from '../encoding/fingerprint.js';
import {
  InvalidArgumentError,
  LanrtcError,
  MalformedInputError,
  PairingFailedError,
  PairingStateError,
} from '../errors.js';
import {
  type Identity,
  type PublicIdentity,
  publicIdentity,
  signWithDomain,
  verifyWithDomain,
} from '../identity/identity.js';
import {
  calculateGenerator,
  intermediateSessionKey,
  isNeutral,
  lvCat,
  sampleScalar,
  scalarMult,
  scalarMultVfy,
  transcriptIr,
} from './cpace.js';
import {
  decodePairingMessage,
  encodeConfirm,
  encodeFinish,
  encodeHello,
  encodePairingAbort,
  encodeResponse,
  type Finish,
  type Hello,
  MessageType,
  ModeCode,
  type Response,
} from './messages.js';
import { assertUsablePin, assertUsableSecret } from './pin.js';

/** Signature domain of the pairing transcript (docs/PROTOCOL.md §"Domain strings"). */
export const PAIRING_CONFIRM_DOMAIN = 'lanrtc/pairing/confirm/v1';
const CI_LABEL = utf8('lanrtc/pairing/v1');
/** Compare mode's CI label names version 2: a v1 compare transcript (no confirms) never verifies here. */
const CI_LABEL_COMPARE = utf8('lanrtc/pairing/v2');
const TRANSCRIPT_LABEL = utf8('lanrtc/pairing/transcript/v1');
const COMMIT_LABEL = utf8('lanrtc/pairing/commit/v1');
const SAS_LABEL = utf8('lanrtc/pairing/sas/v1');
const KEY_A = utf8('lanrtc/pairing/confirm-key/a/v1');
const KEY_B = utf8('lanrtc/pairing/confirm-key/b/v1');
const SESSION_KEY = utf8('lanrtc/pairing/session-key/v1');
const ROLE_A = 0x41; // 'A', initiator
const ROLE_B = 0x42; // 'B', responder
const MIN_SID = 8;
const MAX_SID = 64;
/** Length of the shared `sessionKey` in a `PairingResult`. */
export const PAIRING_SESSION_KEY_BYTES = 32;

/** What the two sides share: a PIN, a QR secret, or nothing (the users compare digits). */
export type PairingMode =
  | { readonly kind: 'pin'; readonly pin: string }
  | { readonly kind: 'secret'; readonly secret: Uint8Array }
  | { readonly kind: 'compare' };

/** Outcome hooks (an `AttemptPolicy` fits): the pairing calls exactly one of them, exactly once. */
export interface PairingAttemptHooks {
  /**
   * Called just before a success: throw to refuse it (the pairing then fails and `recordFailure`
   * follows), e.g. a one-time QR card another attempt has used meanwhile.
   */
  claim?(): void;
  recordSuccess(): void;
  recordFailure(): void;
}

/** What admits responder attempts (an `AttemptPolicy` fits): each admitted attempt gets its own hooks. */
export interface PairingAttemptGate {
  /** Admit an attempt or throw (`PairingLockedError`, `PairingExpiredError`, `PairingNotOpenError`). */
  begin(): PairingAttemptHooks;
}

/** Everything `createPairing` needs. */
export interface PairingInit {
  readonly role: 'initiator' | 'responder';
  readonly identity: Identity;
  /** This side's raw 32-byte SHA-256 DTLS certificate fingerprint. */
  readonly fingerprint: Uint8Array;
  readonly mode: PairingMode;
  /** Public session id both sides already share (8–64 bytes, fresh per pairing): CPace sid. */
  readonly sessionId: Uint8Array;
  /** Outcome hooks, e.g. the `AttemptPolicy` whose `assertAllowed()` admitted this attempt. */
  readonly attempt?: PairingAttemptHooks;
}

/** A verified peer: its identity, its DTLS fingerprint and a 32-byte key both sides share. */
export interface PairingResult {
  readonly peer: PublicIdentity;
  readonly peerFingerprint: Uint8Array;
  readonly sessionKey: Uint8Array;
}

/**
 * What a step produced: bytes to send, the final result, or digits to show (compare mode). In compare
 * mode the result comes only when both users have accepted: from `confirm(true)` if the peer's confirm
 * is already in, else from `receive` of that confirm.
 */
export interface PairingStep {
  readonly send?: Uint8Array;
  readonly result?: PairingResult;
  readonly compare?: string;
}

/**
 * Where a pairing is. Compare mode: `comparing` until this side's user decides (the peer's confirm may
 * already be in), then `confirming` while waiting for the peer's confirm.
 */
export type PairingState = 'new' | 'waiting' | 'comparing' | 'confirming' | 'done' | 'failed';

/** A running pairing; see `createPairing`. */
export interface Pairing {
  readonly role: 'initiator' | 'responder';
  readonly state: PairingState;
  /** The initiator's first message; `PairingStateError` for a responder or a second call. */
  start(): Uint8Array;
  /** Feed one message from the peer. Every error except a late message ends the pairing as failed. */
  receive(message: Uint8Array): PairingStep;
  /**
   * Compare mode: the user's verdict on the digits. `true` gives a confirm to send (and the result when
   * the peer's confirm is already in); `false` ends the pairing and gives an abort to send.
   */
  confirm(accepted: boolean): PairingStep;
  /** End the pairing as failed (timeout, user cancel) and return an abort message for the peer. */
  abort(): Uint8Array;
}

function modeCode(mode: PairingMode): number {
  return ModeCode[mode.kind];
}

function ad(role: number, identityKey: Uint8Array, fingerprint: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(role), identityKey, fingerprint);
}

function sasDigits(th: Uint8Array): string {
  const h = sha512(lvCat(SAS_LABEL, th));
  let n = 0n;
  for (let i = 0; i < 8; i++) n = (n << 8n) | BigInt(h[i] as number);
  // 2^64 mod 10^6 leaves a bias below 2^-44 per value: far below what a user can notice or exploit.
  return (n % 1_000_000n).toString().padStart(6, '0');
}

function commitment(
  sid: Uint8Array,
  share: Uint8Array,
  nonce: Uint8Array,
  idKey: Uint8Array,
  fp: Uint8Array,
) {
  return sha512(lvCat(COMMIT_LABEL, sid, share, nonce, idKey, fp)).slice(0, 32);
}

/** Validate a peer's identity key; a bad point is a malformed message, our own key a failure. */
function peerIdentity(key: Uint8Array, own: Identity): PublicIdentity {
  let peer: PublicIdentity;
  try {
    peer = publicIdentity(key);
  } catch (cause) {
    throw new MalformedInputError('pairing peer identity key is not a valid Ed25519 key', { cause });
  }
  // A message reflected back to its sender would otherwise pair an agent with itself (draft §10.1.2).
  if (equalBytes(peer.publicKey, own.publicKey)) throw new PairingFailedError('pairing failed');
  return peer;
}

/** Create a pairing state machine for one side. Throws `InvalidArgumentError` / `WeakPinError` on bad init. */
export function createPairing(init: PairingInit): Pairing {
  const { role, identity, mode } = init;
  if (init.fingerprint.length !== FINGERPRINT_BYTES)
    throw new InvalidArgumentError('fingerprint must be 32 bytes');
  if (init.sessionId.length < MIN_SID || init.sessionId.length > MAX_SID)
    throw new InvalidArgumentError(`sessionId must be ${MIN_SID}..${MAX_SID} bytes`);
  if (mode.kind === 'pin') assertUsablePin(mode.pin);
  if (mode.kind === 'secret') assertUsableSecret(mode.secret);
  const sid = init.sessionId.slice();
  const fingerprint = init.fingerprint.slice();
  const code = modeCode(mode);
  const compare = mode.kind === 'compare';
  const ci = lvCat(compare ? CI_LABEL_COMPARE : CI_LABEL, Uint8Array.of(code));
  const prs = mode.kind === 'pin' ? utf8(mode.pin) : mode.kind === 'secret' ? mode.secret.slice() : undefined;

  let state: PairingState = 'new';
  let settled = false;
  const scalar = sampleScalar();
  // CPace: Y = y·g with g from the PIN/secret; compare: X = x·B, plain ephemeral Diffie-Hellman.
  const share = prs
    ? scalarMult(scalar, calculateGenerator(prs, ci, sid))
    : scalarMult(scalar, ristretto255.Point.BASE);
  const nonce = compare ? randomBytes(32) : undefined;
  let hello: Hello | undefined; // the initiator's hello (own or received)
  let pending: PairingResult | undefined; // the peer, known before its proof arrives / is compared
  let expected: { th: Uint8Array; tagA: Uint8Array } | undefined; // responder: what `finish` must carry
  // Compare mode after the digits: our confirm tag, the one the peer's confirm must carry, and whether it has.
  let confirmTags: { own: Uint8Array; peer: Uint8Array } | undefined;
  let peerConfirmed = false;

  const fail = (cause?: unknown): never => {
    state = 'failed';
    if (!settled) {
      settled = true;
      init.attempt?.recordFailure();
    }
    if (cause instanceof LanrtcError) throw cause;
    throw new PairingFailedError('pairing failed', { cause });
  };
  const succeed = (result: PairingResult): PairingStep => {
    try {
      init.attempt?.claim?.();
    } catch (error) {
      return fail(error);
    }
    state = 'done';
    settled = true;
    init.attempt?.recordSuccess();
    return { result };
  };
  const sign = (th: Uint8Array) =>
    signWithDomain(
      identity,
      PAIRING_CONFIRM_DOMAIN,
      concatBytes(Uint8Array.of(role === 'initiator' ? ROLE_A : ROLE_B), th),
    );
  const verify = (key: Uint8Array, peerRole: number, th: Uint8Array, sig: Uint8Array) =>
    verifyWithDomain(key, PAIRING_CONFIRM_DOMAIN, concatBytes(Uint8Array.of(peerRole), th), sig);
  const secretPoint = (peerShare: Uint8Array) => {
    const k = scalarMultVfy(scalar, peerShare);
    // Draft §7.2: abort when K is the neutral element (undecodable or identity share).
    if (isNeutral(k)) throw new PairingFailedError('pairing failed');
    return k;
  };

  /** CPace keys: ISK (draft §7.2), then HKDF-SHA512 with the transcript hash as salt (RFC 5869). */
  const cpaceKeys = (h: Hello, r: Response) => {
    const t = transcriptIr(
      h.share,
      ad(ROLE_A, h.identityKey, h.fingerprint),
      r.share,
      ad(ROLE_B, r.identityKey, r.fingerprint),
    );
    const isk = intermediateSessionKey(sid, secretPoint(role === 'initiator' ? r.share : h.share), t);
    const th = sha512(lvCat(TRANSCRIPT_LABEL, sid, ci, t));
    return { th, ...confirmationTags(isk, th), sessionKey: hkdf(sha512, isk, th, SESSION_KEY, 32) };
  };

  /** Key confirmation tags from a shared secret (ISK, or K in compare mode) and the transcript hash. */
  const confirmationTags = (ikm: Uint8Array, th: Uint8Array) => {
    const tag = (info: Uint8Array) => hmac(sha512, hkdf(sha512, ikm, th, info, 64), th).slice(0, 32);
    return { tagA: tag(KEY_A), tagB: tag(KEY_B) };
  };
  /** Compare mode: remember both confirm tags for this role once K and the full transcript are known. */
  const setConfirmTags = (k: Uint8Array, th: Uint8Array) => {
    const { tagA, tagB } = confirmationTags(k, th);
    confirmTags = role === 'initiator' ? { own: tagA, peer: tagB } : { own: tagB, peer: tagA };
  };

  /** Compare transcript up to the response (what B signs) and, with the reveal, in full. */
  const compareTranscript = (h: Hello, r: Response, reveal?: { share: Uint8Array; nonce: Uint8Array }) =>
    sha512(
      lvCat(
        TRANSCRIPT_LABEL,
        sid,
        ci,
        h.share,
        h.identityKey,
        h.fingerprint,
        r.share,
        r.nonce as Uint8Array,
        r.identityKey,
        r.fingerprint,
        ...(reveal ? [reveal.share, reveal.nonce] : []),
      ),
    );

  const onHello = (h: Hello): PairingStep => {
    if (h.mode !== code) throw new PairingFailedError('pairing failed: the sides use different modes');
    const peer = peerIdentity(h.identityKey, identity);
    hello = h;
    const base = { share, identityKey: identity.publicKey, fingerprint };
    if (compare) {
      const r: Response = { ...base, nonce: nonce as Uint8Array, signature: new Uint8Array(64) };
      const signature = sign(compareTranscript(h, r));
      state = 'waiting';
      pending = { peer, peerFingerprint: h.fingerprint, sessionKey: new Uint8Array(0) };
      return { send: encodeResponse({ ...r, signature }) };
    }
    const unsigned: Response = { ...base, tag: new Uint8Array(32), signature: new Uint8Array(64) };
    const keys = cpaceKeys(h, unsigned);
    pending = { peer, peerFingerprint: h.fingerprint, sessionKey: keys.sessionKey };
    state = 'waiting';
    expected = keys;
    return { send: encodeResponse({ ...base, tag: keys.tagB, signature: sign(keys.th) }) };
  };
  const onResponse = (r: Response): PairingStep => {
    const h = hello as Hello;
    const peer = peerIdentity(r.identityKey, identity);
    if (compare) {
      if (!verify(peer.publicKey, ROLE_B, compareTranscript(h, r), r.signature))
        throw new PairingFailedError('pairing failed');
      const k = secretPoint(r.share);
      const th = compareTranscript(h, r, { share, nonce: nonce as Uint8Array });
      pending = { peer, peerFingerprint: r.fingerprint, sessionKey: hkdf(sha512, k, th, SESSION_KEY, 32) };
      setConfirmTags(k, th);
      state = 'comparing';
      const send = encodeFinish({ share, nonce: nonce as Uint8Array, signature: sign(th) });
      return { send, compare: sasDigits(th) };
    }
    const keys = cpaceKeys(h, r);
    // Key confirmation first (draft §10.4): a wrong PIN and a forged signature look the same.
    if (!equalBytes(keys.tagB, r.tag as Uint8Array) || !verify(peer.publicKey, ROLE_B, keys.th, r.signature))
      throw new PairingFailedError('pairing failed');
    const send = encodeFinish({ tag: keys.tagA, signature: sign(keys.th) });
    const step = succeed({ peer, peerFingerprint: r.fingerprint, sessionKey: keys.sessionKey });
    return { ...step, send };
  };

  const onFinish = (f: Finish): PairingStep => {
    const h = hello as Hello;
    const result = pending as PairingResult;
    if (compare) {
      const revealed = { share: f.share as Uint8Array, nonce: f.nonce as Uint8Array };
      // The reveal must open the commitment from the hello: a changed nonce or share is caught here.
      const c = commitment(sid, revealed.share, revealed.nonce, h.identityKey, h.fingerprint);
      if (!equalBytes(c, h.share)) throw new PairingFailedError('pairing failed');
      const r: Response = {
        share,
        nonce: nonce as Uint8Array,
        identityKey: identity.publicKey,
        fingerprint,
        signature: new Uint8Array(64),
      };
      const th = compareTranscript(h, r, revealed);
      if (!verify(result.peer.publicKey, ROLE_A, th, f.signature))
        throw new PairingFailedError('pairing failed');
      const k = secretPoint(revealed.share);
      pending = { ...result, sessionKey: hkdf(sha512, k, th, SESSION_KEY, 32) };
      setConfirmTags(k, th);
      state = 'comparing';
      return { compare: sasDigits(th) };
    }
    const keys = expected as { th: Uint8Array; tagA: Uint8Array };
    if (
      !equalBytes(keys.tagA, f.tag as Uint8Array) ||
      !verify(result.peer.publicKey, ROLE_A, keys.th, f.signature)
    )
      throw new PairingFailedError('pairing failed');
    return succeed(result);
  };

  /** Compare mode: the peer's user accepted; a result once ours has too. */
  const onConfirm = (tag: Uint8Array): PairingStep => {
    const tags = confirmTags as { own: Uint8Array; peer: Uint8Array };
    // A forged, reflected (our own tag) or replayed (another session's K and th) confirm fails here.
    if (!equalBytes(tag, tags.peer)) throw new PairingFailedError('pairing failed');
    peerConfirmed = true;
    return state === 'confirming' ? succeed(pending as PairingResult) : {};
  };

  return {
    role,
    get state() {
      return state;
    },
    start() {
      if (role !== 'initiator' || state !== 'new')
        throw new PairingStateError('start() is only for a new initiator');
      const shareOnWire = compare
        ? commitment(sid, share, nonce as Uint8Array, identity.publicKey, fingerprint)
        : share;
      hello = { mode: code, share: shareOnWire, identityKey: identity.publicKey, fingerprint };
      state = 'waiting';
      return encodeHello(hello);
    },
    receive(message) {
      if (state === 'done' || state === 'failed') throw new PairingStateError(`pairing already ${state}`);
      try {
        const m = decodePairingMessage(message, compare);
        if (m.type === MessageType.abort) throw new PairingFailedError('pairing aborted by the peer');
        if (role === 'responder' && state === 'new' && m.type === MessageType.hello) return onHello(m.body);
        if (role === 'initiator' && state === 'waiting' && m.type === MessageType.response)
          return onResponse(m.body);
        if (role === 'responder' && state === 'waiting' && m.type === MessageType.finish)
          return onFinish(m.body);
        if (
          (state === 'comparing' || state === 'confirming') &&
          m.type === MessageType.confirm &&
          !peerConfirmed
        )
          return onConfirm(m.body.tag);
        throw new PairingStateError(`unexpected pairing message type ${m.type} in state ${state}`);
      } catch (err) {
        return fail(err);
      }
    },
    confirm(accepted) {
      if (state !== 'comparing')
        throw new PairingStateError('confirm() is only for compare mode after the digits');
      if (!accepted) {
        state = 'failed';
        if (!settled) {
          settled = true;
          init.attempt?.recordFailure();
        }
        return { send: encodePairingAbort() };
      }
      const send = encodeConfirm({ tag: (confirmTags as { own: Uint8Array }).own });
      if (!peerConfirmed) {
        state = 'confirming';
        return { send };
      }
      return { ...succeed(pending as PairingResult), send };
    },
    abort() {
      if (state !== 'done' && state !== 'failed') {
        state = 'failed';
        if (!settled) {
          settled = true;
          init.attempt?.recordFailure();
        }
      }
      return encodePairingAbort();
    },
  };
}
