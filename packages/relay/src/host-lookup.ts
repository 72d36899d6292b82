/**
 * How the Node relay client finds the address to dial: a `.local` name (RFC 6762 §3) over mDNS,
 * which Node's resolver does not speak, any other name through the system resolver. It is plugged
 * into the socket as its `lookup`, so the URL — and with it the `Host` header and the endpoint the
 * login signature is bound to — keeps the name the card announced.
 */
import { lookup as systemLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { createResolver, ResolveTimeoutError } from '@lanrtc/mdns-announcer';

/** Turns a host name into the IP address to dial. */
export type ResolveHost = (host: string) => Promise<string>;

/** True for a name in the link-local `.local` domain (RFC 6762 §3), with or without the root dot. */
export function isLocalName(host: string): boolean {
  return /\.local\.?$/i.test(host);
}

/**
 * Resolve a `.local` name with a one-shot mDNS resolver on every IPv4 interface: its first IPv4
 * address, else its first IPv6 one. Rejects with the resolver's `ResolveTimeoutError` when nobody answers.
 */
export async function resolveLocalHost(host: string): Promise<string> {
  const resolver = await createResolver();
  try {
    const { ipv4, ipv6 } = await resolver.resolve(host.replace(/\.$/, ''));
    const address = ipv4[0] ?? ipv6[0];
    if (address === undefined) throw new ResolveTimeoutError('no address for the relay host');
    return address;
  } finally {
    await resolver.close();
  }
}

/**
 * A socket `lookup` that asks `resolveHost` (when given) for every name, or else mDNS for `.local`
 * names and the system resolver for the rest. Node calls it only for names, never for IP literals.
 */
export function hostLookup(resolveHost?: ResolveHost): LookupFunction {
  return (hostname, options, callback) => {
    const resolve = resolveHost ?? (isLocalName(hostname) ? resolveLocalHost : undefined);
    if (!resolve) {
      systemLookup(hostname, options, callback);
      return;
    }
    resolve(hostname).then(
      (address) => {
        const family = isIP(address);
        if (family === 0) {
          callback(
            Object.assign(new Error(`resolved ${hostname} to something not an IP address`), {
              code: 'EINVAL',
            }),
            '',
            0,
          );
          return;
        }
        // `all` is set when Node races the address families (`autoSelectFamily`, on by default in Node 20).
        if (options.all) callback(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
}
