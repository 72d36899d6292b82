/**
 * The one STUN question the direct-connect listener asks before it spends anything on a datagram:
 * is this an ICE Binding request for our ufrag, authenticated under our password (RFC 8445 §7.3,
 * RFC 5389 §10.1.2), and which peer ufrag does it name? Decoding is verifying: an answer exists
 * only for a request whose MESSAGE-INTEGRITY verified.
 */
import { parseMessage } from 'werift';

const STUN_CLASS_REQUEST = 0x000;
const STUN_METHOD_BINDING = 0x001;
const STUN_HEADER_BYTES = 20;
const MAX_UFRAG_LENGTH = 256;

/** RFC 7983 §7: the first byte of a STUN message is 0–3. */
export function looksLikeStun(data: Uint8Array): boolean {
  return data.length >= STUN_HEADER_BYTES && (data[0] ?? 0xff) < 4;
}

/** What an authenticated Binding request says about its sender. */
export interface AuthenticatedRequest {
  readonly peerUfrag: string;
  /** It carries ICE-CONTROLLING: the sender acts as controlling agent, as a peer of an ICE-lite agent must (RFC 8445 §6.1.1). */
  readonly controlling: boolean;
}

/** The peer ufrag and role of an authenticated Binding request to `localUfrag`, or undefined. */
export function authenticatedRequest(
  data: Buffer,
  localUfrag: string,
  localPassword: Buffer,
): AuthenticatedRequest | undefined {
  let message: ReturnType<typeof parseMessage>;
  try {
    message = parseMessage(data);
  } catch {
    return undefined;
  }
  if (!message) return undefined;
  if (message.messageClass !== STUN_CLASS_REQUEST || message.messageMethod !== STUN_METHOD_BINDING) {
    return undefined;
  }
  const username: unknown = message.getAttributeValue('USERNAME');
  if (typeof username !== 'string') return undefined;
  const separator = username.indexOf(':');
  if (separator <= 0 || separator === username.length - 1) return undefined;
  if (username.slice(0, separator) !== localUfrag) return undefined;
  const peerUfrag = username.slice(separator + 1);
  if (peerUfrag.length > MAX_UFRAG_LENGTH) return undefined;
  try {
    if (!parseMessage(data, localPassword)) return undefined;
  } catch {
    return undefined;
  }
  return { peerUfrag, controlling: message.attributesKeys.includes('ICE-CONTROLLING') };
}

/** True for a STUN message of class request (any method). */
export function isStunRequest(data: Buffer): boolean {
  if (!looksLikeStun(data)) return false;
  const type = data.readUInt16BE(0);
  // RFC 5389 §6: class bits C1 (0x0100) and C0 (0x0010); both zero for a request.
  return (type & 0x0110) === 0;
}
