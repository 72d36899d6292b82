/**
 * Every error signal-core throws. Callers branch on `err.name` (stable across versions and bundles),
 * never on the message. Messages never contain a PIN, key, token or raw envelope.
 */

/** Base class of all lanrtc errors; `name` is the class's stable identifier. */
export class LanrtcError extends Error {
  static readonly code: string = 'LanrtcError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = (new.target as typeof LanrtcError).code;
  }
}

/** Bytes or text that do not decode: truncated, oversized, bad varint, wrong type, trailing data. */
export class MalformedInputError extends LanrtcError {
  static override readonly code = 'MalformedInputError';
}

/** A wire format whose version this build does not speak. */
export class UnsupportedVersionError extends LanrtcError {
  static override readonly code = 'UnsupportedVersionError';
}

/** A signature that does not verify against the claimed signer's key. */
export class InvalidSignatureError extends LanrtcError {
  static override readonly code = 'InvalidSignatureError';
}

/** A key that is not a valid point / scalar for its algorithm. */
export class InvalidKeyError extends LanrtcError {
  static override readonly code = 'InvalidKeyError';
}

/** An argument from the caller that the API cannot accept (wrong length, out of range). */
export class InvalidArgumentError extends LanrtcError {
  static override readonly code = 'InvalidArgumentError';
}

/** An operation on a transport (or session) that has been closed. */
export class TransportClosedError extends LanrtcError {
  static override readonly code = 'TransportClosedError';
}

/** An envelope addressed to another identity than the one opening it. */
export class WrongRecipientError extends LanrtcError {
  static override readonly code = 'WrongRecipientError';
}

/** An envelope whose (sender, session, counter) was already accepted or is behind the replay window. */
export class ReplayedEnvelopeError extends LanrtcError {
  static override readonly code = 'ReplayedEnvelopeError';
}

/** An envelope whose timestamp is too old or too far in the future for the receiver's clock. */
export class StaleEnvelopeError extends LanrtcError {
  static override readonly code = 'StaleEnvelopeError';
}

/** A validly signed envelope from another sender than the one the caller expected. */
export class UnexpectedSenderError extends LanrtcError {
  static override readonly code = 'UnexpectedSenderError';
}

/** A validly signed envelope of a type the caller did not expect at this point. */
export class UnexpectedEnvelopeTypeError extends LanrtcError {
  static override readonly code = 'UnexpectedEnvelopeTypeError';
}

/** A card whose expiry time has passed. */
export class CardExpiredError extends LanrtcError {
  static override readonly code = 'CardExpiredError';
}

/** A DTLS fingerprint not previously seen for a peer and not vouched for by that peer's identity. */
export class FingerprintMismatchError extends LanrtcError {
  static override readonly code = 'FingerprintMismatchError';
}

/** A peer id that is not in the trust store. */
export class UnknownPeerError extends LanrtcError {
  static override readonly code = 'UnknownPeerError';
}

/** A pairing that did not authenticate: wrong PIN/secret, failed key confirmation, bad signature, rejected comparison or an aborted peer; deliberately does not say which. */
export class PairingFailedError extends LanrtcError {
  static override readonly code = 'PairingFailedError';
}

/** A pairing message or call that arrives in the wrong state (out of order, repeated, after the end). */
export class PairingStateError extends LanrtcError {
  static override readonly code = 'PairingStateError';
}

/** Pairing refused by the attempt policy; `retryAfterMs` says when the next attempt may start. */
export class PairingLockedError extends LanrtcError {
  static override readonly code = 'PairingLockedError';
  /** Milliseconds until the lockout ends. */
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The PIN shown on the device expired before the attempt started; show the new one. */
export class PairingExpiredError extends LanrtcError {
  static override readonly code = 'PairingExpiredError';
}

/** A PIN that is trivial to guess (all one digit, a run such as 123456, a short repeated block). */
export class WeakPinError extends LanrtcError {
  static override readonly code = 'WeakPinError';
}

/** A connection was asked of a peer that is not in the trust store (pair first). */
export class NotPairedError extends LanrtcError {
  static override readonly code = 'NotPairedError';
}

/** A pairing request arrived while this agent is not accepting pairings. */
export class PairingNotOpenError extends LanrtcError {
  static override readonly code = 'PairingNotOpenError';
}

/** The other side ended the session; `reason` is its stable reason code (usually an error name). */
export class PeerRejectedError extends LanrtcError {
  static override readonly code = 'PeerRejectedError';
  readonly reason: string;
  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** A signalling step or the transport did not complete before its deadline. */
export class SessionTimeoutError extends LanrtcError {
  static override readonly code = 'SessionTimeoutError';
}

/** Refused: too many concurrent sessions, or a session id already in use. */
export class SessionLimitError extends LanrtcError {
  static override readonly code = 'SessionLimitError';
}

/** An SDP the compact codec cannot represent faithfully (e.g. media other than one DataChannel section). */
export class UnsupportedSdpError extends LanrtcError {
  static override readonly code = 'UnsupportedSdpError';
}

/** The relay refused or ended something; `reason` is its stable relay error code (e.g. `room-full`). */
export class RelayError extends LanrtcError {
  static override readonly code: string = 'RelayError';
  readonly reason: string;
  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** The relay login did not complete: wrong endpoint in the hello, bad frames, socket closed or timed out. */
export class RelayHandshakeError extends LanrtcError {
  static override readonly code = 'RelayHandshakeError';
}

/**
 * The relay stopped answering: no frame, not even a `pong`, within the heartbeat deadline (a
 * half-open TCP connection, a frozen relay). `reason` is `unresponsive`.
 */
export class RelayUnresponsiveError extends RelayError {
  static override readonly code = 'RelayUnresponsiveError';
}

/** The in-band authentication of a direct connection did not finish before its deadline. */
export class AuthTimeoutError extends LanrtcError {
  static override readonly code = 'AuthTimeoutError';
}

/**
 * A stored identity, certificate, trust store or trust record that does not parse or validate (a
 * file on disk, an IndexedDB record); never replaced silently.
 */
export class CorruptStoreError extends LanrtcError {
  static override readonly code = 'CorruptStoreError';
}

/** A QR answer whose binding does not match the offer it is read against (a swapped or stale QR code). */
export class QrMismatchError extends LanrtcError {
  static override readonly code = 'QrMismatchError';
}

/**
 * A connection whose path cannot renegotiate. Every built-in path renegotiates (the relay session,
 * or the auth channel of a direct or QR connection); kept for `Connection` implementations that cannot.
 */
export class RenegotiationUnsupportedError extends LanrtcError {
  static override readonly code = 'RenegotiationUnsupportedError';
}

/**
 * A renegotiated description the local peer connection refused to apply (it does not fit the
 * current state, e.g. an answer held back from an earlier exchange): that renegotiation fails and
 * is rolled back; the connection stays as negotiated before.
 */
export class DescriptionRejectedError extends LanrtcError {
  static override readonly code = 'DescriptionRejectedError';
}

/**
 * The agent was asked to signal through a relay (`connect`, `pair`, `enterPin`) but was created
 * with neither `relay` nor `transport`; direct connect and QR codes need neither.
 */
export class NoSignallingPathError extends LanrtcError {
  static override readonly code = 'NoSignallingPathError';
}

/** A pairing mode this call cannot run: numeric comparison without an `onCompare` handler to show the digits. */
export class PairingModeUnsupportedError extends LanrtcError {
  static override readonly code = 'PairingModeUnsupportedError';
}

/** The room's host refused to admit this member, or removed it; `reason` is the stable refusal code. */
export class RoomRefusedError extends LanrtcError {
  static override readonly code = 'RoomRefusedError';
  /** `not-admitted`, `wrong-pin`, `declined`, `room-full`, `wrong-room` or `kicked`. */
  readonly reason: string;
  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** A reliable room message that would take a member's send buffer past its hard cap: nothing was queued. */
export class RoomBufferFullError extends LanrtcError {
  static override readonly code = 'RoomBufferFullError';
}

/** A room message larger than its delivery allows (unreliable: one datagram; reliable: one SCTP message). */
export class RoomMessageTooLargeError extends LanrtcError {
  static override readonly code = 'RoomMessageTooLargeError';
}

/** A room operation addressed to someone who is not a member the caller can reach (a player reaches only the host). */
export class RoomMemberUnknownError extends LanrtcError {
  static override readonly code = 'RoomMemberUnknownError';
}

/** A room operation after the room ended (left, closed, kicked, or the host went away). */
export class RoomClosedError extends LanrtcError {
  static override readonly code = 'RoomClosedError';
}

/** A transfer path that could escape or clash in the target directory: absolute, `..`, `\`, NUL or control characters, a drive letter, a duplicate, a file that is also a directory. */
export class UnsafePathError extends LanrtcError {
  static override readonly code = 'UnsafePathError';
}

/** A transfer manifest that breaks a rule other than path safety: bad chunk size, a count or size over its limit, hashes that do not fit the size. */
export class InvalidManifestError extends LanrtcError {
  static override readonly code = 'InvalidManifestError';
}

/** A received chunk whose SHA-256 is not the manifest's: it was not written. */
export class ChunkVerificationError extends LanrtcError {
  static override readonly code = 'ChunkVerificationError';
}

/** A received file whose whole-file SHA-256 is not the manifest's: it did not get its final name. */
export class FileVerificationError extends LanrtcError {
  static override readonly code = 'FileVerificationError';
}

/** The receiving storage has less free space than the bytes still to come. */
export class InsufficientSpaceError extends LanrtcError {
  static override readonly code = 'InsufficientSpaceError';
}

/** The receiver declined the offer; `reason` is `declined`, `no-space`, `unsafe-path`, `invalid-manifest` or `busy`. */
export class TransferDeclinedError extends LanrtcError {
  static override readonly code = 'TransferDeclinedError';
  readonly reason: string;
  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** A source file that no longer matches its manifest entry (size, mtime or content changed since it was hashed). */
export class SourceChangedError extends LanrtcError {
  static override readonly code = 'SourceChangedError';
}

/** The transfer's peer sent no frame (not even a keepalive) within the stall timeout. */
export class TransferStalledError extends LanrtcError {
  static override readonly code = 'TransferStalledError';
}

/** The other side aborted the transfer; `reason` is its stable reason code (the name of its error). */
export class TransferAbortedError extends LanrtcError {
  static override readonly code = 'TransferAbortedError';
  readonly reason: string;
  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** This side cancelled the transfer (its `AbortSignal` fired or `cancel()` was called). */
export class TransferCancelledError extends LanrtcError {
  static override readonly code = 'TransferCancelledError';
}

/** A well-formed transfer frame that breaks the protocol: out of order, for a chunk not asked for, past the flow-control window, or a lane nobody offered. */
export class TransferProtocolError extends LanrtcError {
  static override readonly code = 'TransferProtocolError';
}

/** No transfer lane both sides allow could be opened (e.g. only `tls` allowed and the TLS connection failed). */
export class TransferLaneError extends LanrtcError {
  static override readonly code = 'TransferLaneError';
}

/** A frame on the HTTP channel that breaks the protocol: malformed, out of order, past its stream's flow-control credit, or a status a WHATWG `Response` cannot carry. */
export class HttpProtocolError extends LanrtcError {
  static override readonly code = 'HttpProtocolError';
}

/** The other side reset one HTTP stream; `code` is the RESET code name (`cancel`, `refused`, `internal`, `protocol`, `too-large`, `upstream-failed`). */
export class HttpStreamResetError extends LanrtcError {
  static override readonly code = 'HttpStreamResetError';
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A request path that could reach outside the exposed service: `..` or `.` segments, `//`, absolute-form, encoded `/`, `\` or NUL, a backslash or a control character. */
export class UnsafeRequestPathError extends LanrtcError {
  static override readonly code = 'UnsafeRequestPathError';
}

/** The HTTP server refused or ended the channel (GOAWAY); `code` is the GOAWAY code name (`closing`, `unknown-service`, `not-allowed`, `protocol`). */
export class HttpServiceRefusedError extends LanrtcError {
  static override readonly code = 'HttpServiceRefusedError';
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
