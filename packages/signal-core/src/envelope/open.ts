/**
 * Opening: decode *and* verify an envelope — the only way to read one (docs/CONTRIBUTING.md "Decoding is verifying"). The checks run
 * in a fixed order, documented in docs/PROTOCOL.md §"Envelopes", each with its own error:
 *
 * 1. version byte (`UnsupportedVersionError`) — first, so a future layout is never misparsed;
 * 2. parse: lengths, type code, strict sender key, no trailing bytes (`MalformedInputError`);
 * 3. signature under the type's domain (`InvalidSignatureError`);
 * 4. recipient is me (`WrongRecipientError`);
 * 5. expected sender (`UnexpectedSenderError`), then expected type (`UnexpectedEnvelopeTypeError`);
 * 6. timestamp within [now − maxAge, now + maxFuture] (`StaleEnvelopeError`);
 * 7. replay window (`ReplayedEnvelopeError`) — last, so only authenticated, fresh envelopes for
 *    me are ever recorded: forgeries and misdirected copies cannot poison the guard.
 */
import { equalBytes } from '../encoding/bytes.js';
import { ByteReader } from '../encoding/reader.js';
import {
  InvalidArgumentError,
  InvalidSignatureError,
  MalformedInputError,
  StaleEnvelopeError,
  UnexpectedEnvelopeTypeError,
  UnexpectedSenderError,
  UnsupportedVersionError,
  WrongRecipientError,
} from '../errors.js';
import { ID_BYTES, type PublicIdentity, publicIdentity, verifyWithDomain } from '../identity/identity.js';
import { idBytesFromText } from './id-text.js';
import type { ReplayGuard } from './replay.js';
import { SESSION_ID_BYTES } from './seal.js';
import {
  ENVELOPE_VERSION,
  type EnvelopeType,
  envelopeDomain,
  envelopeTypeFromCode,
  MAX_ENVELOPE_PAYLOAD,
  type OpenedEnvelope,
} from './types.js';

const SIGNATURE_BYTES = 64;

/** What the receiver knows and expects when opening an envelope. */
export interface OpenEnvelopeOptions {
  /** My id text: envelopes for anyone else are rejected. */
  readonly recipient: string;
  /** Replay state shared by every envelope this receiver opens. */
  readonly replay: ReplayGuard;
  /** Receiver's clock in ms since the Unix epoch; defaults to `Date.now()`. */
  readonly now?: number;
  /** Oldest accepted timestamp relative to `now` (default 60 000 ms). */
  readonly maxAgeMs?: number;
  /** Furthest accepted clock skew into the future (default 5 000 ms). */
  readonly maxFutureMs?: number;
  /** When set, only this identity may be the sender. */
  readonly expectedSender?: PublicIdentity;
  /** When set, only this type (or these types) is accepted. */
  readonly expectedType?: EnvelopeType | readonly EnvelopeType[];
}

/** Verify and decode an envelope; throws a specific `LanrtcError` for each failed check. */
export function openEnvelope(bytes: Uint8Array, opts: OpenEnvelopeOptions): OpenedEnvelope {
  const me = idBytesFromText(opts.recipient);
  if (!me) throw new InvalidArgumentError('recipient is not an identity id');

  // 1. Version, before anything else is interpreted.
  const r = new ByteReader(bytes);
  const version = r.u8('envelope version');
  if (version !== ENVELOPE_VERSION) throw new UnsupportedVersionError(`envelope version ${version}`);

  // 2. Parse.
  const code = r.u8('envelope type');
  const type = envelopeTypeFromCode(code);
  if (!type) throw new MalformedInputError(`unknown envelope type code ${code}`);
  const senderKey = r.raw('envelope sender', 32);
  const recipient = r.raw('envelope recipient', ID_BYTES);
  const session = r.raw('envelope session', SESSION_ID_BYTES);
  const counter = r.varuint('envelope counter');
  const timestamp = r.varuint('envelope timestamp');
  const payload = r.bytes('envelope payload', MAX_ENVELOPE_PAYLOAD);
  const bodyLength = bytes.length - r.remaining;
  const signature = r.raw('envelope signature', SIGNATURE_BYTES);
  r.end('envelope');
  let sender: PublicIdentity;
  try {
    sender = publicIdentity(senderKey);
  } catch (cause) {
    throw new MalformedInputError('envelope sender is not a valid Ed25519 public key', { cause });
  }

  // 3. Signature over every byte before it, under the type's own domain.
  if (!verifyWithDomain(senderKey, envelopeDomain(type), bytes.subarray(0, bodyLength), signature))
    throw new InvalidSignatureError('envelope: signature does not verify');

  // 4. Addressed to me.
  if (!equalBytes(recipient, me)) throw new WrongRecipientError('envelope is addressed to another identity');

  // 5. The sender and type the caller is waiting for.
  if (opts.expectedSender && !equalBytes(opts.expectedSender.publicKey, senderKey))
    throw new UnexpectedSenderError('envelope is from another sender than expected');
  if (opts.expectedType !== undefined) {
    const allowed: readonly EnvelopeType[] =
      typeof opts.expectedType === 'string' ? [opts.expectedType] : opts.expectedType;
    if (!allowed.includes(type)) throw new UnexpectedEnvelopeTypeError(`unexpected envelope type ${type}`);
  }

  // 6. Fresh: bounds how long a captured envelope stays usable once the replay state is gone.
  const now = opts.now ?? Date.now();
  const maxAge = opts.maxAgeMs ?? 60_000;
  const maxFuture = opts.maxFutureMs ?? 5_000;
  if (timestamp < now - maxAge) throw new StaleEnvelopeError('envelope timestamp is too old');
  if (timestamp > now + maxFuture) throw new StaleEnvelopeError('envelope timestamp is in the future');

  // 7. Not seen before (records the counter: everything above has passed).
  opts.replay.accept(sender.id, session, counter);

  return { version, type, sender, recipient: opts.recipient, session, counter, timestamp, payload };
}
