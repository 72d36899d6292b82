/**
 * One multicast-dns instance per chosen IPv4 interface (a "link"). docs/PLATFORM.md "multicast-dns": in a namespace without
 * a multicast route the defaults fail with ENETUNREACH and `interface` alone never receives, so each
 * link binds 0.0.0.0 and joins 224.0.0.251 on its interface address. Linux delivers a group's packets
 * to every socket on the port that joined it on any interface, so a link also drops packets whose
 * source is not on its subnet (RFC 6762 §11 source address check) and rate-limits what it passes on.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import type { Logger } from '@lanrtc/signal-core';
import dnsPacket, { type DecodedPacket, type Packet } from 'dns-packet';
import makeMdns from 'multicast-dns';
import { dnsPacketPatched } from './dns-packet-check.js';
import { DnsPacketUnpatchedError, NoInterfaceError } from './errors.js';
import { MDNS_PORT } from './names.js';
import type { MdnsStats } from './stats.js';

/** An IPv4 interface a link runs on, with the IPv6 addresses of the same device for AAAA records. */
export interface LinkInterface {
  readonly name: string;
  readonly address: string;
  readonly netmask: string;
  readonly ipv6: readonly string[];
}

const MDNS_GROUP = '224.0.0.251';
/** RFC 6762 §17: an mDNS message may be up to 9000 bytes. */
const MAX_MESSAGE_BYTES = 9000;

/**
 * Interfaces to use: every non-internal IPv4 interface, or those whose name or IPv4 address is in
 * `wanted`; throws `NoInterfaceError` when nothing matches.
 */
export function listInterfaces(wanted?: readonly string[]): LinkInterface[] {
  const result: LinkInterface[] = [];
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (!addrs) continue;
    const v4 = addrs.find((a) => a.family === 'IPv4');
    if (!v4) continue;
    const picked = wanted ? wanted.includes(name) || wanted.includes(v4.address) : !v4.internal;
    if (!picked) continue;
    const ipv6 = addrs.filter((a) => a.family === 'IPv6').map((a) => a.address.replace(/%.*$/, ''));
    result.push({ name, address: v4.address, netmask: v4.netmask, ipv6 });
  }
  if (result.length === 0) {
    throw new NoInterfaceError(wanted ? 'no IPv4 interface matches the requested list' : 'no IPv4 interface');
  }
  return result;
}

function ipv4ToInt(address: string): number {
  const parts = address.split('.').map(Number);
  return parts.length === 4 ? parts.reduce((acc, p) => ((acc << 8) | (p & 255)) >>> 0, 0) : -1;
}

/** Options shared by every link of one announcer, browser or resolver. */
export interface LinkOptions {
  /** UDP port; 5353 except in tests that need isolation. */
  readonly port?: number;
  /** Packets per second a link passes on before dropping (counted as `flooded`). */
  readonly maxPacketsPerSecond?: number;
  readonly logger?: Logger;
}

/** Called for every accepted packet. */
export type PacketHandler = (packet: DecodedPacket, rinfo: RemoteInfo, link: Link) => void;

/** One interface's mDNS socket. */
export interface Link {
  readonly iface: LinkInterface;
  readonly port: number;
  /** Multicast `packet` (or unicast to `to`); resolves when handed to the kernel, never rejects. */
  send(packet: Packet, to?: { address: string; port: number }): Promise<void>;
  close(): Promise<void>;
}

/** Open a link and wait until its socket is bound. */
export async function openLink(
  iface: LinkInterface,
  stats: MdnsStats,
  onPacket: PacketHandler,
  options: LinkOptions = {},
): Promise<Link> {
  const port = options.port ?? MDNS_PORT;
  const rate = options.maxPacketsPerSecond ?? 2000;
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  const mdns = makeMdns({
    socket,
    interface: iface.address,
    bind: '0.0.0.0',
    port,
    loopback: true,
    ttl: 255,
  });
  const mask = ipv4ToInt(iface.netmask);
  const net = ipv4ToInt(iface.address) & mask;
  let windowStart = Date.now();
  let windowCount = 0;
  let closed = false;

  const link: Link = {
    iface,
    port,
    send(packet, to) {
      if (closed) return Promise.resolve();
      let bytes: Buffer;
      try {
        bytes = dnsPacket.encode(packet);
      } catch (error) {
        options.logger?.warn('mdns: packet did not encode', { error: String(error) });
        return Promise.resolve();
      }
      if (bytes.length > MAX_MESSAGE_BYTES) {
        options.logger?.warn('mdns: packet too large, not sent', { bytes: bytes.length });
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        socket.send(bytes, to?.port ?? port, to?.address ?? MDNS_GROUP, (error) => {
          if (error) options.logger?.debug('mdns: send failed', { error: error.message });
          resolve();
        });
      });
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise((resolve) => mdns.destroy(() => resolve()));
    },
  };

  mdns.on('packet', (packet: DecodedPacket, rinfo: RemoteInfo) => {
    if (closed) return;
    stats.packets++;
    const now = Date.now();
    if (now - windowStart >= 1000) {
      windowStart = now;
      windowCount = 0;
    }
    if (++windowCount > rate) {
      stats.flooded++;
      return;
    }
    // RFC 6762 §11: only packets from the local link (a source on this interface's subnet).
    if ((ipv4ToInt(rinfo.address) & mask) !== net) {
      stats.foreign++;
      return;
    }
    try {
      onPacket(packet, rinfo, link);
    } catch (error) {
      // A decoded packet whose fields are not what dns-packet's types promise (hostile input).
      stats.malformed++;
      options.logger?.debug('mdns: packet handler rejected a packet', { error: String(error) });
    }
  });
  // multicast-dns reports undecodable packets and transient socket errors as warnings.
  mdns.on('warning', (error: Error & { code?: string; syscall?: string }) => {
    // Socket errors carry a syscall; decode errors (including RangeError from truncation) do not.
    if (error.syscall === undefined) stats.malformed++;
    else options.logger?.debug('mdns: socket warning', { code: error.code });
  });

  await new Promise<void>((resolve, reject) => {
    mdns.once('ready', () => resolve());
    mdns.once('error', (error: Error) => {
      closed = true;
      mdns.destroy();
      reject(error);
    });
  });
  return link;
}

/**
 * Open one link per interface; closes the ones already opened if any fails. Throws
 * `DnsPacketUnpatchedError` when dns-packet lacks the lanrtc patch (see `dns-packet-check.ts`).
 */
export async function openLinks(
  interfaces: readonly LinkInterface[],
  stats: MdnsStats,
  onPacket: PacketHandler,
  options: LinkOptions,
): Promise<Link[]> {
  if (!dnsPacketPatched()) {
    throw new DnsPacketUnpatchedError('dns-packet lacks patches/dns-packet@5.6.1.patch');
  }
  const results = await Promise.allSettled(interfaces.map((i) => openLink(i, stats, onPacket, options)));
  const links = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(links.map((l) => l.close()));
    throw failed.reason;
  }
  return links;
}
