/** Which IPv4 address the game serves and announces on. */
import { networkInterfaces } from 'node:os';
import { NoLanAddressError } from './errors.js';

/**
 * The first IPv4 address of a non-internal interface (in `os.networkInterfaces()` order), or
 * `NoLanAddressError`: a game on loopback only would be reachable by no phone.
 */
export function defaultLanAddress(): string {
  for (const addresses of Object.values(networkInterfaces()))
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new NoLanAddressError('no IPv4 address on a network interface: connect to a network, or pass --bind');
}
