/**
 * Every error node-agent throws beyond signal-core's. Callers branch on `err.name` (stable), never on
 * the message. Messages never contain a key, PEM or secret.
 */
import { LanrtcError } from '@lanrtc/signal-core';

/** A stored DTLS certificate that does not parse, is not ECDSA P-256/SHA-256, or whose key does not match it. */
export class InvalidCertificateError extends LanrtcError {
  static override readonly code = 'InvalidCertificateError';
}

/** An address asked for in `interfaceAddresses` that no local interface carries. */
export class InterfaceNotFoundError extends LanrtcError {
  static override readonly code = 'InterfaceNotFoundError';
}

/** The werift build in use lacks an internal hook node-agent relies on (a werift upgrade changed it). */
export class WeriftInternalsError extends LanrtcError {
  static override readonly code = 'WeriftInternalsError';
}

/** The remote presented different DTLS certificates on different transports of one connection. */
export class AmbiguousRemoteCertificateError extends LanrtcError {
  static override readonly code = 'AmbiguousRemoteCertificateError';
}

/** A private file (identity, trust store) that group or others may read or write; refused unless allowed. */
export class InsecureFileModeError extends LanrtcError {
  static override readonly code = 'InsecureFileModeError';
}

/** Another process held a store's lock file for longer than the lock timeout (the message names the lock file). */
export class StoreLockedError extends LanrtcError {
  static override readonly code = 'StoreLockedError';
}

/** The ffmpeg binary could not be started (not installed or not at the path given); Debian package `ffmpeg`. */
export class FfmpegNotFoundError extends LanrtcError {
  static override readonly code = 'FfmpegNotFoundError';
}

/** ffmpeg exited on its own, or produced no media before the start deadline (the message has the end of its log). */
export class FfmpegFailedError extends LanrtcError {
  static override readonly code = 'FfmpegFailedError';
}

/** A media source or recorder used after `close()`. */
export class MediaClosedError extends LanrtcError {
  static override readonly code = 'MediaClosedError';
}

/** `snapshot()` got no picture from ffmpeg before its deadline. */
export class SnapshotTimeoutError extends LanrtcError {
  static override readonly code = 'SnapshotTimeoutError';
}

/** `snapshot()` on a source created with `snapshots: false`. */
export class SnapshotsDisabledError extends LanrtcError {
  static override readonly code = 'SnapshotsDisabledError';
}

/** A track whose codec this operation does not handle (e.g. recording anything but Opus audio). */
export class UnsupportedMediaError extends LanrtcError {
  static override readonly code = 'UnsupportedMediaError';
}

/** No audio output ffmpeg could open (no sound server, card or device); the message lists each one tried and why it failed. */
export class AudioOutputUnavailableError extends LanrtcError {
  static override readonly code = 'AudioOutputUnavailableError';
}

/** A media option out of range (size, frame rate, bitrate, keyframe interval, snapshot size or interval, an empty path); the message names it. */
export class InvalidMediaOptionsError extends LanrtcError {
  static override readonly code = 'InvalidMediaOptionsError';
}

/** A path given to send that does not exist, cannot be read, or is neither a regular file nor a directory. */
export class UnreadableSourceError extends LanrtcError {
  static override readonly code = 'UnreadableSourceError';
}

/** An offered path whose parent on this side is an existing file (or other non-directory), so the file has nowhere to go. */
export class PathConflictError extends LanrtcError {
  static override readonly code = 'PathConflictError';
}

/** A TLS peer whose certificate's SHA-256 is not the fingerprint pinned for it (the one its identity signed for WebRTC). */
export class CertificatePinMismatchError extends LanrtcError {
  static override readonly code = 'CertificatePinMismatchError';
}

/** The TLS 1.3 handshake of a transfer lane failed (no TLS 1.3, no client certificate, a bad signature). */
export class TlsLaneHandshakeError extends LanrtcError {
  static override readonly code = 'TlsLaneHandshakeError';
}

/** No TCP connection to any of the TLS lane's endpoints could be made (refused, unreachable). */
export class TlsLaneUnreachableError extends LanrtcError {
  static override readonly code = 'TlsLaneUnreachableError';
}

/** The listening side closed the TLS lane before accepting it (wrong token, its pin check failed, or it took another lane). */
export class TlsLaneRefusedError extends LanrtcError {
  static override readonly code = 'TlsLaneRefusedError';
}

/** A TLS lane step did not finish in time: connecting, or a client sending its token. */
export class TlsLaneTimeoutError extends LanrtcError {
  static override readonly code = 'TlsLaneTimeoutError';
}

/** A TLS lane client sent a token other than the listener's (the connection is dropped). */
export class TlsLaneTokenMismatchError extends LanrtcError {
  static override readonly code = 'TlsLaneTokenMismatchError';
}

/** More unsent or unread bytes on a transfer lane than its hard cap: a writer that does not await `write`, or a peer that sends before anyone reads. */
export class LaneOverflowError extends LanrtcError {
  static override readonly code = 'LaneOverflowError';
}

/** An HTTP forwarder target that is not a plain `http:` origin (https:, another scheme, credentials, a path, query or fragment). */
export class InvalidHttpTargetError extends LanrtcError {
  static override readonly code = 'InvalidHttpTargetError';
}

/** The forwarder's target refused or dropped the connection, or failed mid-response (logged; the peer gets 502 or a reset stream). */
export class HttpUpstreamFailedError extends LanrtcError {
  static override readonly code = 'HttpUpstreamFailedError';
}

/** The forwarder's target did not connect or answer in time (logged; the peer gets 504). */
export class HttpUpstreamTimeoutError extends LanrtcError {
  static override readonly code = 'HttpUpstreamTimeoutError';
}

/** A request on an HTTP exposure from a peer no longer in the trust store: it got GOAWAY not-allowed and its connection was closed. */
export class HttpAccessRevokedError extends LanrtcError {
  static override readonly code = 'HttpAccessRevokedError';
}
