/** Which IPv4 address the game serves and announces on. */
import { networkInterfaces } from 'node:os';
import { GameUsageError, NoLanAddressError } from './errors.js';

/**
 * The first IPv4 address of a non-internal interface (in `os.networkInterfaces()` order), or
 * `NoLanAddressError`: a game on loopback only would be reachable by no phone.
 */
export function defaultLanAddress(): string {
  for (const addresses of Object.values(networkInterfaces()))
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new NoLanAddressError('no IPv4 address on a network interface: connect to a network, or pass --bind');
}

/** This machine's IPv4 addresses on network interfaces (not loopback). */
function lanAddresses(): string[] {
  const found: string[] = [];
  for (const addresses of Object.values(networkInterfaces()))
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) found.push(a.address);
  return found;
}

/**
 * `--bind`'s address, if players can reach it: not loopback (the join link would point every phone
 * at itself) and one of this machine's addresses (else listening fails with a bare EADDRNOTAVAIL).
 */
export function checkedBindAddress(address: string): string {
  const usable = lanAddresses();
  const list = usable.length > 0 ? usable.join(', ') : 'none — connect to a network first';
  if (address.startsWith('127.'))
    throw new GameUsageError(
      `--bind ${address} is loopback: no phone could open the join link. This machine's LAN addresses: ${list}`,
    );
  if (!usable.includes(address))
    throw new GameUsageError(
      `--bind ${address} is not an address of this machine. Its LAN addresses: ${list}`,
    );
  return address;
}
