/**
 * The werift side of answering a page's QR offer from the CLI: `--address`, and for an offer whose
 * host candidates are `<uuid>.local` names (a browser's mDNS obfuscation) an mDNS resolver
 * (mdns-announcer `createResolver`) that node-agent's `createNodePeer` uses as `resolveLocalHostname`.
 * Resolving is an extra: without it the page still reaches this machine's candidates with its own
 * connectivity checks, and the connection goes through the peer-reflexive candidate they create.
 */
import { isIP } from 'node:net';
import { createResolver, type Resolver, ResolveTimeoutError } from '@lanrtc/mdns-announcer';
import type { NodePeerInit } from '@lanrtc/node-agent';
import type { QrOffer } from '@lanrtc/signal-core';
import { type CliIo, writeLine } from '../io.js';
import { printable } from '../printable.js';

/** werift options of the answering peer (all but the certificate). */
export type AnswerPeer = Omit<NodePeerInit, 'certificate' | 'iceLite'>;

/** The `<uuid>.local` host names among an offer's candidates (a browser's mDNS-obfuscated host candidates). */
export function localNames(offer: QrOffer): string[] {
  const hosts = offer.description.sdp
    .split('\r\n')
    .filter((l) => l.startsWith('a=candidate:'))
    .map((l) => l.split(' ')[4] ?? '');
  return [...new Set(hosts.filter((h) => isIP(h) === 0 && /\.local\.?$/i.test(h)))];
}

/**
 * An mDNS resolver for the offer's `.local` candidates, on `--address`'s interface or every IPv4
 * one; undefined when the offer has none, or when it cannot be opened (then the page is reached
 * through the peer-reflexive candidate of its first connectivity check, RFC 8445 §7.3.1.3).
 */
export async function localResolver(
  offer: QrOffer,
  address: string | undefined,
  io: CliIo,
): Promise<Resolver | undefined> {
  if (localNames(offer).length === 0) return undefined;
  try {
    return await createResolver(address ? { interfaces: [address] } : {});
  } catch (error) {
    const name = (error as { name?: string } | undefined)?.name ?? 'Error';
    writeLine(io.stdout, `no mDNS resolver (${name}): the page's .local candidates are not resolved`);
    return undefined;
  }
}

/** werift options for answering: `--address`, and the resolver for `.local` candidates. */
export function answerPeer(
  address: string | undefined,
  resolver: Resolver | undefined,
  io: CliIo,
): AnswerPeer {
  return {
    ...(address ? { interfaceAddresses: [address] } : {}),
    ...(resolver
      ? {
          resolveLocalHostname: async (name: string) => {
            const found = await resolver.resolve(name);
            const ip = found.ipv4[0] ?? found.ipv6[0];
            if (ip === undefined) throw new ResolveTimeoutError(`no address for ${name}`);
            writeLine(io.stdout, `candidate ${printable(name)} is ${printable(ip)} (mDNS)`);
            return ip;
          },
        }
      : {}),
  };
}
