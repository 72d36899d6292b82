/**
 * Every error browser-client throws beyond signal-core's. Callers branch on `err.name` (stable across
 * versions and bundles), never on the message. Messages never contain a PIN, key or certificate.
 */
import { LanrtcError } from '@lanrtc/signal-core';

/** The page has no IndexedDB (private mode in some browsers, or a sandboxed/opaque origin). */
export class StorageUnavailableError extends LanrtcError {
  static override readonly code = 'StorageUnavailableError';
}

/** An IndexedDB request or transaction failed or was aborted (quota, blocked upgrade, closed database). */
export class StorageFailedError extends LanrtcError {
  static override readonly code = 'StorageFailedError';
}

/** The browser cannot create an ECDSA P-256 DTLS certificate (`RTCPeerConnection.generateCertificate`). */
export class CertificateUnavailableError extends LanrtcError {
  static override readonly code = 'CertificateUnavailableError';
}

/** The peer connection reports no `remote-certificate` stats after DTLS connected. */
export class RemoteCertificateUnavailableError extends LanrtcError {
  static override readonly code = 'RemoteCertificateUnavailableError';
}

/**
 * No camera to scan with: the page is not a secure context (`navigator.mediaDevices` is absent on
 * `http://<lan-ip>` pages), there is no camera, or the user or policy refused it (`cause` says which).
 */
export class CameraUnavailableError extends LanrtcError {
  static override readonly code = 'CameraUnavailableError';
}

/** No QR code was found: not in the image (or the image does not decode), or not before the scan's timeout. */
export class QrNotFoundError extends LanrtcError {
  static override readonly code = 'QrNotFoundError';
}

/** The page's SHA-256 worker (`startSha256Worker`) failed or was closed while a transfer used it. */
export class HashWorkerError extends LanrtcError {
  static override readonly code = 'HashWorkerError';
}
