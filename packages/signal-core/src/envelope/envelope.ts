/** The envelope API in one import (`sealEnvelope`, `openEnvelope`, types); see seal.ts / open.ts. */
export { type OpenEnvelopeOptions, openEnvelope } from './open.js';
export { type EnvelopeInit, SESSION_ID_BYTES, sealEnvelope } from './seal.js';
export {
  ENVELOPE_VERSION,
  type EnvelopeType,
  envelopeDomain,
  MAX_ENVELOPE_PAYLOAD,
  type OpenedEnvelope,
} from './types.js';
