/**
 * A scripted `SessionPeer` with a signalling state machine (stable / have-local-offer /
 * have-remote-offer, rollback, negotiationneeded), for the agent's renegotiation rules without a
 * WebRTC stack. Each side's descriptions carry its own certificate's fingerprint (the captured
 * Chromium offer, re-labelled), unless `lieFrom` says from which offer on to sign another one.
 */

import type { SessionDescriptionInit } from '../../src/exports/codec.js';
import type { SessionPeer } from '../../src/index.js';
import offer from '../fixtures/sdp/chromium-ipv4-offer.json' with { type: 'json' };
import { fixtureFingerprint } from './fake-peer.js';

const hexColons = (b: Uint8Array) =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':');

/** The offer fixture carrying `fingerprint` (and a session version, as a re-offer bumps it). */
function describe(
  type: 'offer' | 'answer',
  fingerprint: Uint8Array,
  version: number,
): SessionDescriptionInit {
  const sdp = offer.sdp
    .replace(/^a=fingerprint:.+$/m, `a=fingerprint:sha-256 ${hexColons(fingerprint)}`)
    .replace(/^o=(\S+ \S+) \d+/m, `o=$1 ${version}`)
    .replace(/^a=setup:.+$/m, type === 'offer' ? 'a=setup:actpass' : 'a=setup:active');
  return { type, sdp };
}

/** A fake peer whose own certificate is the fixture `mine`'s; it claims the remote showed `theirs`. */
export interface NegotiatingPeer extends SessionPeer {
  readonly log: string[];
  state: 'stable' | 'have-local-offer' | 'have-remote-offer';
  closed: boolean;
  /** Fire `negotiationneeded` (as `addTrack` would). */
  needNegotiation(): void;
  /** Make `createAnswer` hang until called (a peer that never answers). */
  hangAnswers: boolean;
  /** When set, `createAnswer` waits for it (to hold an answer half-way). */
  answerGate: Promise<void> | undefined;
}

/** Create one; `lieFrom`: the n-th description (1-based) and later carry a foreign fingerprint. */
export function negotiatingPeer(
  role: 'offerer' | 'answerer',
  lieFrom = Number.POSITIVE_INFINITY,
): NegotiatingPeer {
  const own = fixtureFingerprint(role === 'offerer' ? 'offer' : 'answer');
  const theirs = fixtureFingerprint(role === 'offerer' ? 'answer' : 'offer');
  const foreign = own.map((b) => b ^ 0x5a);
  let made = 0;
  let local: SessionDescriptionInit | undefined;
  const listeners = new Set<() => void>();
  const make = (type: 'offer' | 'answer') => {
    made += 1;
    return describe(type, made >= lieFrom ? foreign : own, made);
  };
  const peer: NegotiatingPeer = {
    log: [],
    state: 'stable',
    closed: false,
    hangAnswers: false,
    answerGate: undefined,
    needNegotiation: () => {
      for (const l of listeners) l();
    },
    createOffer: async () => make('offer'),
    createAnswer: () =>
      peer.hangAnswers
        ? new Promise(() => {})
        : (peer.answerGate ?? Promise.resolve()).then(() => make('answer')),
    setLocalDescription: async (d) => {
      if (d.type === 'offer' && peer.state !== 'stable') throw new Error(`local offer in ${peer.state}`);
      if (d.type === 'answer' && peer.state !== 'have-remote-offer')
        throw new Error(`local answer in ${peer.state}`);
      peer.state = d.type === 'offer' ? 'have-local-offer' : 'stable';
      local = d;
      peer.log.push(`local ${d.type}`);
    },
    setRemoteDescription: async (d) => {
      if (d.type === 'answer' && peer.state !== 'have-local-offer')
        throw new Error(`remote answer in ${peer.state}`);
      if (d.type === 'offer' && peer.state === 'have-remote-offer') throw new Error('remote offer twice');
      if (d.type === 'offer' && peer.state === 'have-local-offer') peer.log.push('implicit rollback');
      peer.state = d.type === 'offer' ? 'have-remote-offer' : 'stable';
      peer.log.push(`remote ${d.type}`);
    },
    addIceCandidate: async () => {},
    localDescription: () => local,
    onLocalCandidate: () => () => {},
    connected: async () => {},
    remoteCertificateFingerprint: async () => theirs,
    rollback: async () => {
      if (peer.state === 'stable') return;
      peer.state = 'stable';
      peer.log.push('rollback');
    },
    onNegotiationNeeded(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      peer.closed = true;
    },
  };
  return peer;
}
