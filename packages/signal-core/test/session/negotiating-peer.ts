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

/**
 * The number on a description's `a=x-<name>:<n>` line. A re-offer carries `x-offer`, the answer to
 * it `x-answers` with the same number, so the offerer can refuse an answer made for another offer,
 * as a real stack does when the answer does not fit (webrtc-pc §4.4.1.6). The first exchange travels
 * compact and untagged.
 */
function tagOf(sdp: string | undefined, name: 'offer' | 'answers'): string | undefined {
  return new RegExp(`^a=x-${name}:(\\d+)\\r?$`, 'm').exec(sdp ?? '')?.[1];
}

/** `d` with one more SDP line. */
function withLine(d: SessionDescriptionInit, line: string): SessionDescriptionInit {
  return { type: d.type, sdp: `${(d.sdp ?? '').trimEnd()}\r\n${line}\r\n` };
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
  /** The `x-offer` number of the remote offer applied last: the next answer names it. */
  let remoteOffer: string | undefined;
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
    createOffer: async () => {
      const d = make('offer');
      return local ? withLine(d, `a=x-offer:${made}`) : d;
    },
    createAnswer: () =>
      peer.hangAnswers
        ? new Promise(() => {})
        : (peer.answerGate ?? Promise.resolve()).then(() => {
            const d = make('answer');
            return remoteOffer ? withLine(d, `a=x-answers:${remoteOffer}`) : d;
          }),
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
      const answers = d.type === 'answer' ? tagOf(d.sdp, 'answers') : undefined;
      if (answers !== undefined && answers !== tagOf(local?.sdp, 'offer'))
        throw new Error('remote answer is for another offer');
      if (d.type === 'offer') remoteOffer = tagOf(d.sdp, 'offer');
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
