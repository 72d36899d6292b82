/** @lanrtc/node-agent — lanrtc for Node. Explicit named exports only. */

export {
  AmbiguousRemoteCertificateError,
  InterfaceNotFoundError,
  InvalidCertificateError,
  WeriftInternalsError,
} from './errors.js';
export { createNodeAgent, DEFAULT_CHANNEL_LABEL, type NodeAgent, type NodeAgentInit } from './node-agent.js';
export {
  certificateFingerprint,
  createDtlsCertificate,
  type DtlsCertificate,
  fingerprintOfDer,
  parseDtlsCertificate,
  serializeDtlsCertificate,
} from './peer/certificate.js';
export {
  createNodePeer,
  type NodePeerInit,
  remoteCertificateFingerprint,
  weriftSecurityPatched,
} from './peer/create-node-peer.js';
export { type DataChannelInit, type WeriftSessionPeer, weriftSessionPeer } from './session-peer.js';
