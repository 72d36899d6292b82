/**
 * HTTP grants in the trust store: a peer may reach service `S` under the path prefixes listed as the
 * actions of its grant with scope `http:S`. The check is on the normalised path (`checkRequestPath`),
 * whole segments only, so `/api` allows `/api` and `/api/x` but not `/apix`.
 */
import type { KnownPeer } from '../trust/store.js';
import { isServiceName } from './headers.js';
import { checkRequestPath } from './path-check.js';

/** The grant scope of HTTP service `service`: `http:<service>`. */
export function httpGrantScope(service: string): string {
  return `http:${service}`;
}

function prefixAllows(prefix: string, pathname: string): boolean {
  if (prefix === '/') return true;
  let normal: string;
  try {
    normal = checkRequestPath(prefix);
  } catch {
    return false; // a malformed grant grants nothing
  }
  if (normal.includes('?')) return false;
  const base = normal.endsWith('/') ? normal.slice(0, -1) : normal;
  return pathname === base || pathname.startsWith(`${base}/`);
}

/** True if `peer` holds a grant for `service` whose path prefixes cover `path`; unknown peers and unsafe paths are refused. */
export function httpGrantAllows(peer: KnownPeer | undefined, service: string, path: string): boolean {
  if (!peer || !isServiceName(service)) return false;
  let normal: string;
  try {
    normal = checkRequestPath(path);
  } catch {
    return false;
  }
  const queryAt = normal.indexOf('?');
  const pathname = queryAt < 0 ? normal : normal.slice(0, queryAt);
  const scope = httpGrantScope(service);
  return peer.grants.some(
    (g) => g.scope === scope && g.actions.some((prefix) => prefixAllows(prefix, pathname)),
  );
}
