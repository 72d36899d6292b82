/** Which IPv4 address the host serves and announces on. */
import { networkInterfaces } from 'node:os';
import { FileDropUsageError, NoLanAddressError } from './errors.js';

/** This machine's IPv4 addresses on network interfaces (not loopback), in `os.networkInterfaces()` order. */
function lanAddresses(): string[] {
  const found: string[] = [];
  for (const addresses of Object.values(networkInterfaces()))
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) found.push(a.address);
  return found;
}

/** The first LAN IPv4 address, or `NoLanAddressError`: a page on loopback only reaches no other device. */
export function defaultLanAddress(): string {
  const first = lanAddresses()[0];
  if (first === undefined)
    throw new NoLanAddressError(
      'no IPv4 address on a network interface: connect to a network, or pass --bind',
    );
  return first;
}

/** `--bind`'s address if other devices can reach it: not loopback, and one of this machine's. */
export function checkedBindAddress(address: string): string {
  const usable = lanAddresses();
  const list = usable.length > 0 ? usable.join(', ') : 'none — connect to a network first';
  if (address.startsWith('127.'))
    throw new FileDropUsageError(
      `--bind ${address} is loopback: no other device could open the page. LAN addresses: ${list}`,
    );
  if (!usable.includes(address))
    throw new FileDropUsageError(
      `--bind ${address} is not an address of this machine. Its LAN addresses: ${list}`,
    );
  return address;
}
