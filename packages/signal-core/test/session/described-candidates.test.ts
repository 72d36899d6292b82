/**
 * Candidates a sent description already carries are not trickled again: the filter on its own, and
 * the agent with a peer that (like werift) reports its candidates during setLocalDescription.
 */
import { describe, expect, it, vi } from 'vitest';
import type { IceCandidateInit } from '../../src/exports/codec.js';
import { createAttemptPolicy } from '../../src/exports/protocol.js';
import { createAgent } from '../../src/exports/session.js';
import { createMemoryNetwork } from '../../src/exports/testing.js';
import { createIdentity, createMemoryTrustStore } from '../../src/index.js';
import { describedCandidates } from '../../src/session/described-candidates.js';
import offer from '../fixtures/sdp/chromium-ipv4-offer.json' with { type: 'json' };
import { fakePeer, fixtureFingerprint } from './fake-peer.js';

const IN_OFFER = 'candidate:208323234 1 udp 2122260223 10.98.0.3 56815 typ host generation 0 network-id 1';
/** Same socket as IN_OFFER with another foundation and priority: still a duplicate. */
const IN_OFFER_REWRITTEN = 'candidate:1 1 UDP 1 10.98.0.3 56815 typ host';
const NOT_IN_OFFER = 'candidate:208323234 1 udp 2122260223 10.98.0.3 56816 typ host generation 0';
const withEnd = offer.sdp.replace('a=ice-ufrag:', 'a=end-of-candidates\r\na=ice-ufrag:');

describe('describedCandidates', () => {
  it('matches a candidate of the same section, component, transport, address, port and type', () => {
    const described = describedCandidates(offer.sdp);
    expect(described({ candidate: IN_OFFER, sdpMLineIndex: 0 })).toBe(true);
    expect(described({ candidate: IN_OFFER_REWRITTEN, sdpMid: '0', sdpMLineIndex: null })).toBe(true);
    expect(described({ candidate: NOT_IN_OFFER, sdpMLineIndex: 0 })).toBe(false);
    expect(described({ candidate: IN_OFFER.replace(' 1 udp', ' 2 udp'), sdpMLineIndex: 0 })).toBe(false);
    expect(described({ candidate: IN_OFFER.replace('typ host', 'typ srflx'), sdpMLineIndex: 0 })).toBe(false);
  });

  it('does not match another section, an unknown mid, no section at all, or a malformed candidate', () => {
    const described = describedCandidates(offer.sdp);
    expect(described({ candidate: IN_OFFER, sdpMLineIndex: 1 })).toBe(false);
    expect(described({ candidate: IN_OFFER, sdpMid: '7', sdpMLineIndex: null })).toBe(false);
    expect(described({ candidate: IN_OFFER })).toBe(false);
    expect(described({ candidate: 'candidate:1 1 udp', sdpMLineIndex: 0 })).toBe(false);
    expect(describedCandidates('v=0\r\n')({ candidate: IN_OFFER, sdpMLineIndex: 0 })).toBe(false);
  });

  it('end-of-candidates counts as sent only when the description says so', () => {
    expect(describedCandidates(offer.sdp)(null)).toBe(false);
    expect(describedCandidates(withEnd)(null)).toBe(true);
    expect(describedCandidates(withEnd)({ candidate: '', sdpMLineIndex: 0 })).toBe(true);
    const sessionLevel = offer.sdp.replace('a=group:BUNDLE 0', 'a=group:BUNDLE 0\r\na=end-of-candidates');
    expect(describedCandidates(sessionLevel)(null)).toBe(true);
  });
});

describe('agent trickle', () => {
  it('sends only the candidates gathered before the offer that the offer does not carry, then later ones', async () => {
    const net = createMemoryNetwork();
    const received: (IceCandidateInit | null)[] = [];
    let emitA: (c: IceCandidateInit | null) => void = () => {};
    const make = (role: 'a' | 'b') => {
      const identity = createIdentity();
      const agent = createAgent({
        identity,
        transport: net.connect(identity.id),
        trust: createMemoryTrustStore(),
        fingerprint: fixtureFingerprint(role === 'a' ? 'offer' : 'answer'),
        timeoutMs: 2_000,
        createPeer: (context) => {
          const peer = fakePeer(context.role);
          if (context.role === 'answerer') {
            peer.addIceCandidate = async (c) => {
              received.push(c);
            };
            return peer;
          }
          peer.localDescription = () => ({ type: 'offer', sdp: withEnd });
          peer.onLocalCandidate = (listener) => {
            emitA = listener;
            return () => {};
          };
          // Gathering finishes inside setLocalDescription, as in werift.
          peer.setLocalDescription = async () => {
            emitA({ candidate: IN_OFFER, sdpMid: '0', sdpMLineIndex: 0 });
            emitA({ candidate: NOT_IN_OFFER, sdpMid: '0', sdpMLineIndex: 0 });
            emitA(null);
          };
          return peer;
        },
      }).start();
      return { identity, agent };
    };
    const a = make('a');
    const b = make('b');
    const policy = createAttemptPolicy();
    b.agent.openPairing({ mode: () => policy.mode(), policy });
    await a.agent.pair(b.identity.id, { kind: 'pin', pin: policy.pin() });
    const conn = await a.agent.connect(b.identity.id);
    const later = { candidate: IN_OFFER, sdpMid: '0', sdpMLineIndex: 0 };
    emitA(later); // after the offer went out: always trickled
    // Exactly these two, in order: the duplicate and the end-of-candidates the offer carried never came.
    const ports = () => received.map((c) => (c ? / 10\.98\.0\.3 (\d+) /.exec(c.candidate ?? '')?.[1] : null));
    await vi.waitFor(() => expect(ports()).toEqual(['56816', '56815']));
    await new Promise((r) => setTimeout(r, 20));
    expect(ports()).toEqual(['56816', '56815']);
    await conn.close();
    await a.agent.close();
    await b.agent.close();
  });
});
