/** @lanrtc/signal-core — platform-free core of lanrtc. Explicit named exports only. */

export {
  concatBytes,
  equalBytes,
  fromBase64Url,
  fromHex,
  fromUtf8,
  toBase64Url,
  toHex,
  utf8,
} from './encoding/bytes.js';
export { FINGERPRINT_BYTES, formatSdpFingerprint, parseSdpFingerprint } from './encoding/fingerprint.js';
export { ByteReader } from './encoding/reader.js';
export { ByteWriter } from './encoding/writer.js';
export {
  InvalidArgumentError,
  InvalidKeyError,
  InvalidSignatureError,
  LanrtcError,
  MalformedInputError,
  UnsupportedVersionError,
} from './errors.js';
export {
  assertSignature,
  createIdentity,
  exportIdentity,
  ID_BYTES,
  type Identity,
  identityFromSecretKey,
  identityId,
  identityIdBytes,
  importIdentity,
  type PublicIdentity,
  publicIdentity,
  signWithDomain,
  verifyWithDomain,
} from './identity/identity.js';
