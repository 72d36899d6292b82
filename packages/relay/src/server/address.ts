/**
 * The address a socket counts against in the relay's per-address limits: the peer's IP as the LAN
 * shows it (a LAN relay has no proxies in front, so the TCP peer address is the client's). An
 * IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2, what a dual-stack socket reports for an IPv4 peer)
 * is the IPv4 address it maps, so one host cannot count twice by dialling both ways.
 */

/** Normalised key of a socket's remote address (`unknown` when the socket has none, e.g. already closed). */
export function addressKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const a = remoteAddress.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(a);
  return mapped ? (mapped[1] as string) : a;
}
