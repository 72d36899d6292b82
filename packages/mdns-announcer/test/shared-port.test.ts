import { describe, expect, it } from 'vitest';
import { countBoundTo, udpSocketsOnPort } from '../src/shared-port.js';

// Shape of /proc/net/udp (IPv4) and /proc/net/udp6: local address and port in hex.
const UDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  310: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000   105        0 21230 2 0000000000000000 0
  310: FB0000E0:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 21231 2 0000000000000000 0
  999: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 21232 2 0000000000000000 0
`;
const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  310: 00000000000000000000000000000000:14E9 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   105        0 21233 2 0000000000000000 0
`;

describe('sockets sharing the mDNS port (RFC 6762 §15.1)', () => {
  it('counts the sockets bound to a port in /proc/net/udp and udp6 tables', () => {
    expect(countBoundTo(UDP, 5353)).toBe(2);
    expect(countBoundTo(UDP6, 5353)).toBe(1);
    expect(countBoundTo(UDP, 53)).toBe(1);
    expect(countBoundTo(UDP, 5354)).toBe(0);
    expect(countBoundTo('', 5353)).toBe(0);
  });

  it.skipIf(process.platform !== 'linux')('reads this namespace’s table on Linux', () => {
    expect(udpSocketsOnPort(1)).toBeTypeOf('number');
  });
});
