/**
 * The native `RTCPeerConnection` as the `SessionPeer` the signal-core agent drives. Besides the W3C
 * calls it answers "which certificate did the remote present in DTLS" and tracks DataChannels by
 * label from the moment the connection exists (local and remote ones), so the application, which
 * only gets the connection after verification, cannot miss a channel the remote opened early.
 *
 * Remote certificate: read from `getStats()` — the `transport` stats' `remoteCertificateId` names a
 * `certificate` stats object whose `fingerprint` / `fingerprintAlgorithm` (W3C webrtc-stats §8.18)
 * the browser computes from the certificate received in the DTLS handshake (Chromium: the peer's
 * SSL certificate chain, measured with Chromium 156), not copied from the SDP — unlike werift, whose
 * stats echo the SDP's value. Browsers also refuse a DTLS certificate that differs from the remote
 * SDP's `a=fingerprint` (RFC 8122 §5, RFC 8827 §6.5), so the agent's check holds twice here.
 */
import { type SessionPeer, TransportClosedError } from '@lanrtc/signal-core';
import {
  certificateDerFingerprint,
  type IceCandidateInit,
  parseSdpFingerprint,
  type SessionDescriptionInit,
} from '@lanrtc/signal-core/codec';
import { createChannelRegistry, createEarlyMessageBuffer } from '@lanrtc/signal-core/session';
import { RemoteCertificateUnavailableError } from './errors.js';

/** A native peer connection adapted for the signalling agent. */
export interface BrowserSessionPeer extends SessionPeer {
  /** The underlying connection (media tracks, stats, renegotiation by the application). */
  readonly pc: RTCPeerConnection;
  /** Create a DataChannel (on the offering side, before the offer) and track it by label. */
  createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel;
  /** The channel with this label, local or remote, once it is open; rejects if the connection closes first. */
  channel(label: string): Promise<RTCDataChannel>;
}

/** Adapt a native `RTCPeerConnection`. */
export function browserSessionPeer(pc: RTCPeerConnection): BrowserSessionPeer {
  const channels = createChannelRegistry<RTCDataChannel>((channel, opened) =>
    channel.addEventListener('open', opened, { once: true }),
  );
  const track = (channel: RTCDataChannel) => {
    holdEarlyMessages(channel);
    channels.track(channel);
  };
  const onChannel = (event: RTCDataChannelEvent) => track(event.channel);
  const onState = () => {
    const state = pc.connectionState;
    if (state === 'closed' || state === 'failed') channels.close(`peer connection ${state}`);
  };
  pc.addEventListener('datachannel', onChannel);
  pc.addEventListener('connectionstatechange', onState);

  return {
    pc,
    createDataChannel(label, init) {
      const channel = pc.createDataChannel(label, init);
      track(channel);
      return channel;
    },
    channel: (label) => channels.channel(label),
    async createOffer() {
      return toDescription(await pc.createOffer());
    },
    async createAnswer() {
      return toDescription(await pc.createAnswer());
    },
    async setLocalDescription(description) {
      await pc.setLocalDescription(description);
    },
    async setRemoteDescription(description) {
      await pc.setRemoteDescription(description);
    },
    async addIceCandidate(candidate) {
      // webrtc-pc §4.4.1.4: an absent candidate (or empty string) signals end-of-candidates.
      await pc.addIceCandidate(candidate ?? undefined);
    },
    localDescription() {
      const d = pc.localDescription;
      return d ? toDescription(d) : undefined;
    },
    onLocalCandidate(listener) {
      const handler = (event: RTCPeerConnectionIceEvent) => {
        const c = event.candidate;
        // Chromium fires a last candidate with an empty string before the `null` one; both mean "done".
        if (!c || c.candidate === '') return listener(null);
        const init: IceCandidateInit = {
          candidate: c.candidate,
          sdpMid: c.sdpMid,
          sdpMLineIndex: c.sdpMLineIndex,
        };
        listener(init);
      };
      pc.addEventListener('icecandidate', handler);
      return () => pc.removeEventListener('icecandidate', handler);
    },
    connected() {
      if (pc.connectionState === 'connected') return Promise.resolve();
      const now = pc.connectionState;
      if (now === 'closed' || now === 'failed') {
        return Promise.reject(new TransportClosedError(`peer connection ${now}`));
      }
      return new Promise<void>((resolve, reject) => {
        const handler = () => {
          const state = pc.connectionState;
          if (state === 'connected') {
            pc.removeEventListener('connectionstatechange', handler);
            resolve();
          } else if (state === 'failed' || state === 'closed') {
            pc.removeEventListener('connectionstatechange', handler);
            reject(new TransportClosedError(`peer connection ${state}`));
          }
        };
        pc.addEventListener('connectionstatechange', handler);
      });
    },
    async remoteCertificateFingerprint() {
      const fromStats = remoteFingerprintFromStats(await pc.getStats());
      if (fromStats) return fromStats;
      // Firefox (ESR 153) has no certificate stats; its DTLS transport hands out the DER it received.
      const der = pc.sctp?.transport.getRemoteCertificates?.()[0];
      return der ? certificateDerFingerprint(new Uint8Array(der)) : undefined;
    },
    async rollback() {
      if (pc.signalingState !== 'stable') await pc.setLocalDescription({ type: 'rollback' });
    },
    onNegotiationNeeded(listener) {
      pc.addEventListener('negotiationneeded', listener);
      return () => pc.removeEventListener('negotiationneeded', listener);
    },
    onEnded(listener) {
      // A remote close shows as `failed` once consent freshness lapses (RFC 7675, ~30 s); `close()`
      // here fires no event (webrtc-pc), so the agent learns of its own close from its own call.
      let done = false;
      const onChange = () => {
        const state = pc.connectionState;
        if (done || (state !== 'failed' && state !== 'closed')) return;
        done = true;
        listener(state);
      };
      pc.addEventListener('connectionstatechange', onChange);
      return () => {
        done = true;
        pc.removeEventListener('connectionstatechange', onChange);
      };
    },
    close() {
      pc.removeEventListener('datachannel', onChannel);
      pc.removeEventListener('connectionstatechange', onState);
      channels.close('peer connection closed');
      pc.close();
    },
  };
}

/**
 * Raw SHA-256 of the remote DTLS certificate from a stats report, or undefined before DTLS is up.
 * Throws `RemoteCertificateUnavailableError` when transports disagree or the algorithm is not sha-256.
 */
export function remoteFingerprintFromStats(report: RTCStatsReport): Uint8Array | undefined {
  type Stat = {
    id?: string;
    type?: string;
    remoteCertificateId?: string;
    fingerprint?: string;
    fingerprintAlgorithm?: string;
  };
  const seen = new Set<string>();
  const byId = new Map<string, Stat>();
  report.forEach((stat: Stat) => {
    if (stat.id) byId.set(stat.id, stat);
    if (stat.type === 'transport' && stat.remoteCertificateId) seen.add(stat.remoteCertificateId);
  });
  let found: string | undefined;
  for (const id of seen) {
    const cert = byId.get(id);
    if (!cert?.fingerprint) continue;
    if (cert.fingerprintAlgorithm?.toLowerCase() !== 'sha-256') {
      throw new RemoteCertificateUnavailableError('remote certificate stats are not sha-256');
    }
    const value = cert.fingerprint.toUpperCase();
    if (found !== undefined && found !== value) {
      throw new RemoteCertificateUnavailableError('transports report different remote certificates');
    }
    found = value;
  }
  return found === undefined ? undefined : parseSdpFingerprint(`sha-256 ${found}`);
}

/**
 * Keep the messages that arrive before the application listens on `channel` (it gets the channel
 * only after verification; the browser drops a message event nobody listens to) and hand them to
 * the first `message` listener or `onmessage` handler, in order.
 */
function holdEarlyMessages(channel: RTCDataChannel): void {
  const early = createEarlyMessageBuffer<MessageEvent>();
  channel.addEventListener('message', (event) => {
    if (early.holding) early.hold(event);
  });
  const add = EventTarget.prototype.addEventListener.bind(channel);
  channel.addEventListener = ((
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ) => {
    add(type, listener, options);
    if (type !== 'message' || !listener) return;
    early.release((event) => {
      if (typeof listener === 'function') listener.call(channel, event);
      else listener.handleEvent(event);
    });
  }) as RTCDataChannel['addEventListener'];
  const handler = Object.getOwnPropertyDescriptor(RTCDataChannel.prototype, 'onmessage');
  if (!handler?.get || !handler.set) return;
  const { get, set } = handler;
  Object.defineProperty(channel, 'onmessage', {
    configurable: true,
    get: () => get.call(channel),
    set: (value: ((this: RTCDataChannel, ev: MessageEvent) => unknown) | null) => {
      set.call(channel, value);
      if (value) early.release((event) => value.call(channel, event));
    },
  });
}

function toDescription(d: RTCSessionDescriptionInit): SessionDescriptionInit {
  if ((d.type !== 'offer' && d.type !== 'answer') || typeof d.sdp !== 'string') {
    throw new TypeError(`unexpected description type ${String(d.type)}`);
  }
  return { type: d.type, sdp: d.sdp };
}
