/**
 * Header rules of HTTP over the connection: names are lowercase tokens (RFC 9110 §5.1, §5.6.2),
 * values carry no CR, LF or NUL (RFC 9110 §5.5), and hop-by-hop headers (RFC 9110 §7.6.1) never
 * cross the channel in either direction — each side's HTTP stack sets its own.
 */

/** Header name/value pairs in order; names lowercase. */
export type HttpHeaderList = readonly (readonly [string, string])[];

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA (RFC 9110 §5.6.2)
const LOWER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\r\n\0]/;
const SERVICE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Hop-by-hop headers, always removed (RFC 9110 §7.6.1; `host` because the device sets its target's). */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** True for a header name the wire allows: a lowercase token of 1…255 bytes. */
export function isHeaderName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && LOWER_TOKEN.test(name);
}

/** True for a header value the wire allows: no CR, LF or NUL, at most 65535 bytes. */
export function isHeaderValue(value: string): boolean {
  return value.length <= 0xffff && !BAD_VALUE.test(value);
}

/** True for a request method: a token of 1…32 characters (RFC 9110 §9.1). */
export function isMethod(method: string): boolean {
  return method.length > 0 && method.length <= 32 && TOKEN.test(method);
}

/** True for a service name: lowercase letters, digits, `.`, `_`, `-`, 1…63 characters, starting with a letter or digit. */
export function isServiceName(service: string): boolean {
  return SERVICE.test(service);
}

/** True if `name` (lowercase) is hop-by-hop on its own, whatever `connection` lists. */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP_HEADERS.has(name) || name.startsWith('proxy-');
}

/**
 * The end-to-end headers of `headers`: names lowercased, hop-by-hop ones and every header named in
 * a `connection` header removed (RFC 9110 §7.6.1).
 */
export function stripHopByHop(headers: Iterable<readonly [string, string]>): [string, string][] {
  const list = [...headers].map(([name, value]): [string, string] => [name.toLowerCase(), value]);
  const named = new Set<string>();
  for (const [name, value] of list)
    if (name === 'connection') for (const option of value.split(',')) named.add(option.trim().toLowerCase());
  return list.filter(([name]) => !isHopByHop(name) && !named.has(name));
}
