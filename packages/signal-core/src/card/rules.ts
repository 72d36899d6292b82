/**
 * Field rules shared by `createCard` (which throws `InvalidArgumentError`) and `openCard` (which
 * throws `MalformedInputError`): each returns a problem description, or undefined when the value is
 * acceptable, so both sides enforce exactly the same limits.
 */
import { utf8 } from '../encoding/bytes.js';
import { parseIPv4, parseIPv6 } from '../encoding/ip.js';
import { isHostName, isLocalHostName } from './address.js';
import { isIceChars } from './ice-chars.js';
import { MAX_CARD_NAME_BYTES } from './types.js';

/** Custom device-type token: lowercase ASCII letter, then letters, digits or `-`, ≤ 16 bytes. */
export const DEVICE_TOKEN = /^[a-z][a-z0-9-]{0,15}$/;
/** Relay path: `/` then printable ASCII without spaces, ≤ 64 bytes. */
export const MAX_RELAY_PATH_BYTES = 64;

// C0/C1 controls and the bidi embedding/override/isolate characters (Unicode TR #9 §2): a name with
// them can render as another device's name in a picker.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Problem with a display name, if any. */
export function nameProblem(name: string): string | undefined {
  if (utf8(name).length > MAX_CARD_NAME_BYTES) return `name longer than ${MAX_CARD_NAME_BYTES} bytes`;
  if (UNSAFE_NAME_CHARS.test(name)) return 'name contains control or bidi-override characters';
  return undefined;
}

/** Problem with ICE credentials, if any (RFC 8839 §5.4 lengths and alphabet). */
export function iceProblem(ufrag: string, pwd: string): string | undefined {
  if (ufrag.length < 4 || ufrag.length > 32) return 'ice ufrag must be 4–32 characters';
  if (pwd.length < 22 || pwd.length > 256) return 'ice pwd must be 22–256 characters';
  if (!isIceChars(ufrag) || !isIceChars(pwd)) return 'ice ufrag/pwd must be ice-chars (RFC 8839 §5.4)';
  return undefined;
}

/** Problem with a port, if any (0 is not a listening port). */
export function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 0xffff ? undefined : 'port must be 1–65535';
}

/** Problem with a candidate address, if any: an IP literal or an mDNS `.local` name. */
export function candidateAddressProblem(address: string): string | undefined {
  if (parseIPv4(address) || parseIPv6(address) || isLocalHostName(address)) return undefined;
  return 'candidate address must be IPv4, IPv6 or an mDNS .local name';
}

/** Problem with a relay host, if any: an IP literal or a host name. */
export function relayHostProblem(host: string): string | undefined {
  if (parseIPv4(host) || parseIPv6(host) || isHostName(host)) return undefined;
  return 'relay host must be IPv4, IPv6 or a host name';
}

/** Problem with a relay path, if any. */
export function relayPathProblem(path: string): string | undefined {
  if (path.length > MAX_RELAY_PATH_BYTES || !/^\/[\x21-\x7e]*$/.test(path))
    return 'relay path must start with / and be ≤ 64 printable ASCII bytes';
  return undefined;
}
