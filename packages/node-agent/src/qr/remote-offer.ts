/**
 * The offer's description as werift should see it. A page's offer may list its host candidates as
 * `<uuid>.local` names (mDNS obfuscation, draft-ietf-mmusic-mdns-ice-candidates), which resolve
 * asynchronously or not at all, and may end with `a=end-of-candidates` (Firefox writes it). Stock
 * werift 0.24.4 then starts connecting with an empty check list while the remote says no candidate
 * will follow, and fails ICE at once — although RFC 8445 §7.3.1.3 has the peer-reflexive candidate of
 * the offerer's first check to connect through. The patched werift waits `pairWaitMs` (5 s) for that
 * (docs/werift-patches.md §9); dropping the marker as well keeps it waiting for the check (or for the
 * name to resolve) up to the answer's connect timeout instead.
 */
import { isIP } from 'node:net';
import type { SessionDescriptionInit } from '@lanrtc/signal-core/codec';

/** The remote offer for werift: without `a=end-of-candidates` unless every candidate is an IP address. */
export function offerForWerift(description: SessionDescriptionInit): SessionDescriptionInit {
  const lines = description.sdp.split('\r\n');
  const addresses = lines.filter((l) => l.startsWith('a=candidate:')).map((l) => l.split(' ')[4] ?? '');
  if (addresses.length > 0 && addresses.every((a) => isIP(a) !== 0)) return description;
  const sdp = lines.filter((l) => l !== 'a=end-of-candidates').join('\r\n');
  return sdp === description.sdp ? description : { type: description.type, sdp };
}
