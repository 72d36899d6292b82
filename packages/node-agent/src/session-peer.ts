/**
 * werift's RTCPeerConnection as the `SessionPeer` the signal-core agent drives. Besides the W3C
 * calls it answers "what certificate did the remote present in DTLS" (werift keeps the DER on the
 * DTLS socket) and tracks DataChannels by label from the moment the connection exists — both the
 * ones created here and the ones the remote opens — so the application, which only gets the
 * connection after verification, cannot miss one.
 */
import {
  type IceCandidateInit,
  type SessionDescriptionInit,
  type SessionPeer,
  TransportClosedError,
} from '@lanrtc/signal-core';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import { remoteCertificateFingerprint } from './peer/create-node-peer.js';

/** Options of `RTCPeerConnection.createDataChannel` as werift takes them. */
export type DataChannelInit = Parameters<RTCPeerConnection['createDataChannel']>[1];

/** A werift peer connection adapted for the signalling agent. */
export interface WeriftSessionPeer extends SessionPeer {
  /** The underlying werift connection (media tracks, stats). */
  readonly pc: RTCPeerConnection;
  /** Create a DataChannel (before the offer, on the offering side) and track it by label. */
  createDataChannel(label: string, init?: DataChannelInit): RTCDataChannel;
  /** The channel with this label, local or remote, once it is open; rejects if the peer closes first. */
  channel(label: string): Promise<RTCDataChannel>;
}

/** Adapt a werift `RTCPeerConnection`. */
export function weriftSessionPeer(pc: RTCPeerConnection): WeriftSessionPeer {
  const byLabel = new Map<string, RTCDataChannel>();
  const waiting = new Map<string, { resolve(c: RTCDataChannel): void; reject(e: Error): void }[]>();
  let closed = false;

  const settle = (channel: RTCDataChannel) => {
    const deliver = () => {
      for (const w of waiting.get(channel.label) ?? []) w.resolve(channel);
      waiting.delete(channel.label);
    };
    if (channel.readyState === 'open') deliver();
    else channel.stateChanged.subscribe((s) => s === 'open' && deliver());
  };
  const track = (channel: RTCDataChannel) => {
    if (!byLabel.has(channel.label)) byLabel.set(channel.label, channel);
    settle(channel);
  };
  const failAll = (why: string) => {
    closed = true;
    for (const list of waiting.values()) for (const w of list) w.reject(new TransportClosedError(why));
    waiting.clear();
  };
  const channelSub = pc.onDataChannel.subscribe(track);
  const stateSub = pc.connectionStateChange.subscribe((state) => {
    if (state === 'closed' || state === 'failed') failAll(`peer connection ${state}`);
  });

  return {
    pc,
    createDataChannel(label, init) {
      const channel = pc.createDataChannel(label, init);
      track(channel);
      return channel;
    },
    channel(label) {
      const known = byLabel.get(label);
      if (known?.readyState === 'open') return Promise.resolve(known);
      if (closed) return Promise.reject(new TransportClosedError('peer connection closed'));
      return new Promise((resolve, reject) => {
        waiting.set(label, [...(waiting.get(label) ?? []), { resolve, reject }]);
      });
    },
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
      await pc.addIceCandidate(candidate ?? undefined);
    },
    localDescription() {
      const d = pc.localDescription;
      return d ? toDescription(d) : undefined;
    },
    onLocalCandidate(listener) {
      const sub = pc.onIceCandidate.subscribe((c) => {
        if (!c) return listener(null);
        const init: IceCandidateInit = {
          candidate: c.candidate,
          sdpMid: c.sdpMid ?? null,
          sdpMLineIndex: c.sdpMLineIndex ?? null,
        };
        listener(init);
      });
      return () => sub.unSubscribe();
    },
    connected() {
      if (pc.connectionState === 'connected') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const sub = pc.connectionStateChange.subscribe((state) => {
          if (state === 'connected') {
            sub.unSubscribe();
            resolve();
          } else if (state === 'failed' || state === 'closed') {
            sub.unSubscribe();
            reject(new TransportClosedError(`peer connection ${state}`));
          }
        });
      });
    },
    async remoteCertificateFingerprint() {
      return remoteCertificateFingerprint(pc);
    },
    close() {
      channelSub.unSubscribe();
      stateSub.unSubscribe();
      failAll('peer connection closed');
      void pc.close();
    },
  };
}

function toDescription(d: { type: string; sdp: string }): SessionDescriptionInit {
  if (d.type !== 'offer' && d.type !== 'answer') throw new TypeError(`unexpected description type ${d.type}`);
  return { type: d.type, sdp: d.sdp };
}
