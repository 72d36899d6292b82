/**
 * DNS-SD names of the lanrtc service (RFC 6763 §4.1, §7.1) and the rename rule used after a
 * conflict (RFC 6762 §9: pick a new name, conventionally "Name (2)").
 */
import { utf8 } from '@lanrtc/signal-core/codec';

/** The DNS-SD service type every agent registers under. */
export const SERVICE_TYPE = '_lanrtc._udp.local';

/** Service type enumeration name (RFC 6763 §9). */
export const SERVICES_ENUMERATION = '_services._dns-sd._udp.local';

/** The IANA mDNS port; a query from any other source port is a legacy unicast query (RFC 6762 §6.7). */
export const MDNS_PORT = 5353;

/** Device-type token rule shared with cards: becomes the `_<type>._sub` label (RFC 6763 §7.1). */
const DEVICE_TYPE = /^[a-z][a-z0-9-]{0,15}$/;

/** True when `deviceType` can be a subtype label. */
export function isDeviceType(deviceType: string): boolean {
  return DEVICE_TYPE.test(deviceType);
}

/** The subtype browse name for one device type, e.g. `_doorbell._sub._lanrtc._udp.local`. */
export function subtypeName(deviceType: string): string {
  return `_${deviceType}._sub.${SERVICE_TYPE}`;
}

/** The service instance name (RFC 6763 §4.1). */
export function instanceFqdn(instance: string): string {
  return `${instance}.${SERVICE_TYPE}`;
}

/** The instance label of an instance name under the lanrtc type, or undefined. */
export function instanceLabel(fqdn: string): string | undefined {
  const suffix = `.${SERVICE_TYPE}`;
  if (!sameName(fqdn.slice(-suffix.length), suffix)) return undefined;
  const label = fqdn.slice(0, -suffix.length);
  return label.length > 0 && !label.includes('.') ? label : undefined;
}

/** DNS names compare ASCII-case-insensitively (RFC 6762 §16). */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * A usable single label from free text: dns-packet splits names on every `.` and has no escape, so
 * dots and backslashes become `-`; control characters go; at most 63 UTF-8 bytes (RFC 1035 §2.3.4).
 */
export function toLabel(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  let label = text.replace(/[.\\]/g, '-').replace(/[\u0000-\u001f\u007f]/g, '');
  while (utf8(label).length > 63) label = Array.from(label).slice(0, -1).join('');
  return label.length > 0 ? label : 'lanrtc';
}

/** The next candidate after a conflict: "Name" → "Name (2)" → "Name (3)" (RFC 6762 §9). */
export function nextInstanceName(name: string): string {
  const m = /^(.*) \((\d+)\)$/.exec(name);
  const base = m?.[1] ?? name;
  const n = m?.[2] ? Number(m[2]) + 1 : 2;
  const suffix = ` (${n})`;
  let head = base;
  while (utf8(head + suffix).length > 63) head = Array.from(head).slice(0, -1).join('');
  return head + suffix;
}

/** The next host label after a conflict: "host" → "host-2" → "host-3" (host names have no spaces). */
export function nextHostName(host: string): string {
  const m = /^(.*)-(\d+)$/.exec(host);
  return m?.[1] && m[2] ? `${m[1]}-${Number(m[2]) + 1}` : `${host}-2`;
}
