/** @lanrtc/signal-core/codec — byte and text codecs: bytes, base45, compact SDP and candidates, QR payloads, fingerprints. */

export { BASE45_ALPHABET, fromBase45, toBase45 } from '../codec/base45.js';
export type { CandidateSummary, IceCandidateType, IceTcpType } from '../codec/candidate.js';
export {
  COMPACT_CANDIDATE_VERSION,
  decodeCandidate,
  encodeCandidate,
  type IceCandidateInit,
} from '../codec/candidate-compact.js';
export { fromQrText, QR_TEXT_PREFIX, toQrText } from '../codec/qr-text.js';
export {
  type DtlsSetup,
  formatSdp,
  parseSdpSummary,
  type SdpSummary,
  type SessionDescriptionInit,
} from '../codec/sdp.js';
export {
  COMPACT_SDP_VERSION,
  decodeSdp,
  decodeSdpSummary,
  encodeSdp,
  encodeSdpSummary,
  PROFILE_DATACHANNEL,
} from '../codec/sdp-compact.js';
export {
  concatBytes,
  equalBytes,
  fromBase64Url,
  fromHex,
  fromUtf8,
  toBase64Url,
  toHex,
  utf8,
} from '../encoding/bytes.js';
export {
  certificateDerFingerprint,
  FINGERPRINT_BYTES,
  formatSdpFingerprint,
  parseSdpFingerprint,
} from '../encoding/fingerprint.js';
export { ByteReader } from '../encoding/reader.js';
export { ByteWriter } from '../encoding/writer.js';
export {
  encodeQrAnswer,
  encodeQrOffer,
  QR_ANSWER_DOMAIN,
  QR_ANSWER_TAG_BYTES,
  QR_PAYLOAD_VERSION,
  QR_SECRET_BYTES,
  QrKind,
} from '../qr/payload.js';
