/**
 * The request-path rule of HTTP over the connection: a path is origin-form (RFC 9112 §3.2.1) and can
 * only name something under the exposed service's root, whatever the device's web server does with
 * dot segments or encoded separators. Anything that could climb out, reach another host, or be read
 * two ways is refused rather than repaired.
 */
import { UnsafeRequestPathError } from '../errors.js';

const MAX_PATH_LENGTH = 8192;
// Visible ASCII only (RFC 3986 §2): spaces, controls and raw non-ASCII are not in a request-target.
const VISIBLE_ASCII = /^[\x21-\x7e]*$/;
// unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 3986 §2.3)
const UNRESERVED = /[A-Za-z0-9\-._~]/;
const HEX = /^[0-9A-Fa-f]{2}$/;
// Encoded '/', '\' and NUL: a server that decodes them before routing would see other segments.
const FORBIDDEN_ESCAPES = new Set(['2F', '5C', '00']);

const refuse = (why: string): never => {
  throw new UnsafeRequestPathError(`unsafe request path: ${why}`);
};

/** One path segment with its escapes normalised (RFC 3986 §6.2.2.1–2): unreserved decoded, hex upper-cased. */
function normaliseSegment(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = segment.slice(i + 1, i + 3);
    if (!HEX.test(hex)) refuse('bad percent-escape');
    const upper = hex.toUpperCase();
    if (FORBIDDEN_ESCAPES.has(upper)) refuse('encoded slash, backslash or NUL');
    const decoded = String.fromCharCode(Number.parseInt(upper, 16));
    out += UNRESERVED.test(decoded) ? decoded : `%${upper}`;
    i += 2;
  }
  return out;
}

/**
 * Check an origin-form request path (`/a/b?x=1`) and return it normalised; `..`, `.`, `//`,
 * absolute-form, `%2f`/`%5c`/`%00`, a backslash, `#` or a control character throw
 * `UnsafeRequestPathError`.
 */
export function checkRequestPath(path: string): string {
  if (typeof path !== 'string' || path.length === 0) return refuse('empty');
  if (path.length > MAX_PATH_LENGTH) refuse('too long');
  if (!VISIBLE_ASCII.test(path)) refuse('space, control or non-ASCII character');
  if (path[0] !== '/') refuse('not origin-form');
  if (path.includes('\\')) refuse('backslash');
  if (path.includes('#')) refuse('fragment');
  const queryAt = path.indexOf('?');
  const pathname = queryAt < 0 ? path : path.slice(0, queryAt);
  const query = queryAt < 0 ? '' : path.slice(queryAt);
  const segments = pathname.slice(1).split('/').map(normaliseSegment);
  segments.forEach((segment, index) => {
    if (segment === '.' || segment === '..') refuse('dot segment');
    // An empty segment anywhere but last is `//` (a protocol-relative URL at the start).
    if (segment === '' && index < segments.length - 1) refuse('empty segment');
  });
  for (const found of query.matchAll(/%(.{0,2})/g)) {
    if (!HEX.test(found[1] as string)) refuse('bad percent-escape in query');
    if (found[1] === '00') refuse('encoded NUL in query');
  }
  return `/${segments.join('/')}${query}`;
}
