/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, so a forwarder drops them both
 * ways, with every header the `connection` header names; `host` goes too, the forwarder sets its own.
 */

const ALWAYS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

/** `headers` (any case) without hop-by-hop ones, names lowercased, order kept. */
export function endToEndHeaders(
  headers: readonly (readonly [string, string])[],
): [name: string, value: string][] {
  const named = new Set<string>();
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'connection') continue;
    for (const token of value.split(',')) named.add(token.trim().toLowerCase());
  }
  const out: [string, string][] = [];
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase();
    if (ALWAYS.has(name) || named.has(name) || name.startsWith('proxy-')) continue;
    out.push([name, value]);
  }
  return out;
}
