/**
 * RFC 6762 §15.1: several programs may share UDP port 5353, and every one of them receives multicast,
 * but a unicast datagram reaches only one socket (on Linux the one bound last). A unicast reply to a
 * QU question can therefore land in another program, so a prober asks for unicast replies only while
 * nobody else holds the port. Linux lists the bound sockets of the network namespace in /proc/net.
 */
import { readFileSync } from 'node:fs';

/** How many sockets in a /proc/net/udp or udp6 table are bound to local `port`. */
export function countBoundTo(table: string, port: number): number {
  let count = 0;
  for (const line of table.split('\n').slice(1)) {
    const local = line.trim().split(/\s+/)[1];
    if (local && Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) count++;
  }
  return count;
}

function readTable(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * UDP sockets (IPv4 and IPv6) bound to `port` in this network namespace, or undefined where that
 * cannot be known (not Linux): then callers assume the port is shared.
 */
export function udpSocketsOnPort(port: number): number | undefined {
  const v4 = readTable('/proc/net/udp');
  if (v4 === undefined) return undefined;
  const v6 = readTable('/proc/net/udp6') ?? '';
  return countBoundTo(v4, port) + countBoundTo(v6, port);
}
