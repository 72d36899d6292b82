/**
 * A scripted `SessionPeer` for unit-testing the agent's rules without a WebRTC stack: it replays
 * captured Chromium descriptions and reports whatever remote certificate the test chooses. The
 * real-stack version of these flows is packages/node-agent/test/spine.
 */

import { parseSdpFingerprint } from '../../src/exports/codec.js';
import type { SessionPeer } from '../../src/index.js';
import answer from '../fixtures/sdp/chromium-ipv4-answer.json' with { type: 'json' };
import offer from '../fixtures/sdp/chromium-ipv4-offer.json' with { type: 'json' };

/** The fingerprint inside a captured description (what its signer vouches for). */
export function fixtureFingerprint(kind: 'offer' | 'answer'): Uint8Array {
  const sdp = kind === 'offer' ? offer.sdp : answer.sdp;
  const line = /^a=fingerprint:(.+)$/m.exec(sdp)?.[1];
  if (!line) throw new Error('fixture has no fingerprint');
  return parseSdpFingerprint(line.trim());
}

/** A peer that "connects" at once and claims the remote showed `remoteCert` (default: the honest one). */
export function fakePeer(
  role: 'offerer' | 'answerer',
  remoteCert?: Uint8Array,
  /** What `connected()` waits for (default: nothing, it connects at once). */
  connecting: Promise<void> = Promise.resolve(),
): SessionPeer & { closed: boolean; end(state: 'failed' | 'closed'): void } {
  let remote: string | undefined;
  const ended = new Set<(state: 'failed' | 'closed') => void>();
  const peer = {
    closed: false,
    /** Test hook: the connection fails or closes by itself (ICE lost, the remote went away). */
    end(state: 'failed' | 'closed') {
      for (const l of [...ended]) l(state);
    },
    onEnded(listener: (state: 'failed' | 'closed') => void) {
      ended.add(listener);
      return () => ended.delete(listener);
    },
    createOffer: async () => ({ type: 'offer' as const, sdp: offer.sdp }),
    createAnswer: async () => ({ type: 'answer' as const, sdp: answer.sdp }),
    setLocalDescription: async () => {},
    setRemoteDescription: async (d: { sdp: string }) => {
      remote = d.sdp;
    },
    addIceCandidate: async () => {},
    localDescription: () =>
      role === 'offerer'
        ? { type: 'offer' as const, sdp: offer.sdp }
        : { type: 'answer' as const, sdp: answer.sdp },
    onLocalCandidate: () => () => {},
    connected: () => connecting,
    remoteCertificateFingerprint: async () => {
      if (!remote) return undefined;
      return remoteCert ?? fixtureFingerprint(role === 'offerer' ? 'answer' : 'offer');
    },
    close() {
      peer.closed = true;
    },
  };
  return peer;
}
