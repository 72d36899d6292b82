/** @lanrtc/browser-client — lanrtc for browsers. Explicit named exports only. */

export {
  type BrowserAgent,
  type BrowserAgentInit,
  createBrowserAgent,
  DEFAULT_CHANNEL_LABEL,
  type PinDisplay,
} from './browser-agent.js';
export { DEFAULT_DB_NAME, KEYVAL_STORE, openLanrtcDb, PEERS_STORE } from './db.js';
export {
  CertificateUnavailableError,
  CorruptStorageError,
  PairingModeUnsupportedError,
  RemoteCertificateUnavailableError,
  StorageFailedError,
  StorageUnavailableError,
} from './errors.js';
export {
  CERTIFICATE_LIFETIME_MS,
  CERTIFICATE_RENEW_BEFORE_MS,
  loadOrCreateCertificate,
  loadOrCreateIdentity,
  rtcCertificateFingerprint,
  type StoredCertificate,
} from './keys.js';
export { type BrowserSessionPeer, browserSessionPeer, remoteFingerprintFromStats } from './session-peer.js';
export { createIndexedDbTrustStore } from './trust-store.js';
