/**
 * The agent's long-lived secrets, persisted in IndexedDB: the Ed25519 identity (signal-core's
 * `exportIdentity` text) and the DTLS certificate. An `RTCCertificate` is structured-cloneable
 * (W3C webrtc-pc §4.9.1, "serializable"), so the browser stores its private key without ever
 * exposing it to script; Web Crypto is not needed, which matters on an insecure `http://` LAN page.
 */
import {
  CorruptStoreError,
  createIdentity,
  exportIdentity,
  type Identity,
  importIdentity,
} from '@lanrtc/signal-core';
import { parseSdpFingerprint } from '@lanrtc/signal-core/codec';
import { getValue, KEYVAL_STORE, requestResult, transactionDone } from './db.js';
import { CertificateUnavailableError } from './errors.js';

const IDENTITY_KEY = 'identity';
const CERTIFICATE_KEY = 'certificate';

/** Certificates are replaced when less than this much validity is left (peers accept the rotation: the new fingerprint arrives in a signed SDP). */
export const CERTIFICATE_RENEW_BEFORE_MS = 24 * 60 * 60_000;
/** Validity asked for new certificates (webrtc-pc §4.9.2 `expires`; browsers may cap it). */
export const CERTIFICATE_LIFETIME_MS = 365 * 24 * 60 * 60_000;

/**
 * Store `value` under `key` unless something is already there, in one readwrite transaction, and
 * return whichever value is stored afterwards: two tabs starting at once end up with the same identity.
 */
async function putIfAbsent<T>(
  db: IDBDatabase,
  key: string,
  value: T,
  replace?: (current: unknown) => boolean,
): Promise<unknown> {
  const tx = db.transaction(KEYVAL_STORE, 'readwrite');
  const store = tx.objectStore(KEYVAL_STORE);
  const current = await requestResult(store.get(key));
  let result = current;
  if (current === undefined || replace?.(current)) {
    store.put(value, key);
    result = value;
  }
  await transactionDone(tx);
  return result;
}

/** Load this browser's identity from `db`, creating and storing one on first use. */
export async function loadOrCreateIdentity(db: IDBDatabase): Promise<Identity> {
  const stored = await getValue(db, IDENTITY_KEY);
  const text = stored ?? (await putIfAbsent(db, IDENTITY_KEY, exportIdentity(createIdentity())));
  if (typeof text !== 'string') throw new CorruptStoreError('stored identity is not text');
  try {
    return importIdentity(text);
  } catch (error) {
    throw new CorruptStoreError('stored identity does not decode', { cause: error });
  }
}

/** A DTLS certificate and the raw SHA-256 fingerprint the browser reports for it. */
export interface StoredCertificate {
  readonly certificate: RTCCertificate;
  /** Raw 32-byte SHA-256 of the certificate's DER (from `getFingerprints()`). */
  readonly fingerprint: Uint8Array;
}

/** Raw SHA-256 fingerprint of an `RTCCertificate` (webrtc-pc §4.9.1 `getFingerprints`). */
export function rtcCertificateFingerprint(certificate: RTCCertificate): Uint8Array {
  const sha256 = certificate.getFingerprints().find((f) => f.algorithm?.toLowerCase() === 'sha-256');
  if (!sha256?.value) throw new CertificateUnavailableError('certificate has no sha-256 fingerprint');
  return parseSdpFingerprint(`sha-256 ${sha256.value}`);
}

function isUsable(value: unknown, now: number): value is RTCCertificate {
  return (
    typeof RTCCertificate !== 'undefined' &&
    value instanceof RTCCertificate &&
    value.expires - now > CERTIFICATE_RENEW_BEFORE_MS
  );
}

/** Load the persisted DTLS certificate, creating (or renewing, near expiry) it when needed. */
export async function loadOrCreateCertificate(
  db: IDBDatabase,
  now: number = Date.now(),
): Promise<StoredCertificate> {
  const stored = await getValue(db, CERTIFICATE_KEY);
  let certificate: unknown = stored;
  if (!isUsable(stored, now)) {
    let fresh: RTCCertificate;
    try {
      // ECDSA P-256: what every browser and werift negotiate (RFC 8827 §6.5 requires it).
      fresh = await RTCPeerConnection.generateCertificate({
        name: 'ECDSA',
        namedCurve: 'P-256',
        expires: CERTIFICATE_LIFETIME_MS,
      } as AlgorithmIdentifier);
    } catch (error) {
      throw new CertificateUnavailableError('could not generate a DTLS certificate', { cause: error });
    }
    certificate = await putIfAbsent(db, CERTIFICATE_KEY, fresh, (current) => !isUsable(current, now));
  }
  // A certificate just generated is the freshest there can be, whatever validity the browser granted.
  if (!(certificate instanceof RTCCertificate)) {
    throw new CorruptStoreError('stored certificate is not an RTCCertificate');
  }
  return { certificate, fingerprint: rtcCertificateFingerprint(certificate) };
}
