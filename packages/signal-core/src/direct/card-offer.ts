/**
 * Direct connect from a card (docs/PROTOCOL.md §"Direct connect and in-band authentication"): the
 * connecting side sets this offer as its *remote* description, built from a verified card alone, and
 * answers it with its own unmodified `createAnswer()`. The device is ICE-lite and never sees the
 * answer: it learns the connecting peer from authenticated STUN and its certificate from DTLS.
 */
import type { Card } from '../card/types.js';
import type { CandidateSummary } from '../codec/candidate.js';
import { formatSdp, type SessionDescriptionInit } from '../codec/sdp.js';

/** SCTP port of the DataChannel association (RFC 8841 §5; what every browser and werift use). */
export const DIRECT_SCTP_PORT = 5000;
/** `a=max-message-size` the card offer announces (RFC 8841 §6). */
export const DIRECT_MAX_MESSAGE_SIZE = 262_144;

/** RFC 8445 §5.1.2.1 priority of a UDP host candidate: type preference 126, local preference 65535 − index. */
function hostPriority(index: number): number {
  return 126 * 2 ** 24 + (65_535 - index) * 256 + (256 - 1);
}

/** The SDP offer a connecting side sets as remote description, built from a verified card alone. */
export function cardToOffer(card: Card): SessionDescriptionInit {
  const candidates: CandidateSummary[] = card.candidates.map((c, i) => ({
    // RFC 8445 §5.1.1.3: one foundation per base address (same type and transport for all).
    foundation: String(i + 1),
    component: 1,
    transport: 'udp',
    priority: hostPriority(i),
    address: c.address,
    port: c.port,
    type: 'host',
    generation: 0,
  }));
  return formatSdp({
    type: 'offer',
    iceUfrag: card.ice.ufrag,
    icePwd: card.ice.pwd,
    fingerprint: card.fingerprint,
    // The connecting side answers `active` (JSEP §5.3.1) and so is the DTLS client; the device is server.
    setup: 'actpass',
    iceLite: true,
    iceOptions: [],
    mid: '0',
    bundle: true,
    sctpPort: DIRECT_SCTP_PORT,
    maxMessageSize: DIRECT_MAX_MESSAGE_SIZE,
    candidates,
    endOfCandidates: true,
  });
}
