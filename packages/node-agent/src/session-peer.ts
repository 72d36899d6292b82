/**
 * werift's RTCPeerConnection as the `SessionPeer` the signal-core agent drives. Besides the W3C
 * calls it answers "what certificate did the remote present in DTLS" (werift keeps the DER on the
 * DTLS socket) and tracks DataChannels by label from the moment the connection exists — both the
 * ones created here and the ones the remote opens — so the application, which only gets the
 * connection after verification, cannot miss one.
 */
import { type SessionPeer, TransportClosedError } from '@lanrtc/signal-core';
import type { IceCandidateInit, SessionDescriptionInit } from '@lanrtc/signal-core/codec';
import { createChannelRegistry, createEarlyMessageBuffer } from '@lanrtc/signal-core/session';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import { remoteCertificateFingerprint } from './peer/create-node-peer.js';
import { trackNegotiation } from './peer/negotiation-needed.js';

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
  const channels = createChannelRegistry<RTCDataChannel>((channel, opened) => {
    const sub = channel.stateChanged.subscribe((state) => {
      if (state !== 'open') return;
      sub.unSubscribe();
      opened();
    });
  });
  const track = (channel: RTCDataChannel) => {
    holdEarlyMessages(channel);
    channels.track(channel);
  };
  const negotiation = trackNegotiation(pc);
  const channelSub = pc.onDataChannel.subscribe(track);
  const stateSub = pc.connectionStateChange.subscribe((state) => {
    if (state === 'closed' || state === 'failed') channels.close(`peer connection ${state}`);
  });

  return {
    pc,
    createDataChannel(label, init) {
      const channel = pc.createDataChannel(label, init);
      track(channel);
      return channel;
    },
    channel: (label) => channels.channel(label),
    async createOffer() {
      const covers = negotiation.changes;
      const offer = toDescription(await pc.createOffer());
      negotiation.offered(offer.sdp, covers);
      return offer;
    },
    async createAnswer() {
      return toDescription(await pc.createAnswer());
    },
    async setLocalDescription(description) {
      await pc.setLocalDescription(description);
      negotiation.localSet(description);
    },
    async setRemoteDescription(description) {
      await pc.setRemoteDescription(description);
      negotiation.remoteSet(description);
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
    async rollback() {
      if (pc.signalingState !== 'stable') {
        await pc.setLocalDescription({ type: 'rollback' });
        releaseRolledBackMids(pc);
      }
      negotiation.rolledBack();
    },
    onNegotiationNeeded(listener) {
      const sub = pc.onNegotiationneeded.subscribe(() => {
        if (negotiation.needed()) listener();
      });
      return () => sub.unSubscribe();
    },
    onEnded(listener) {
      let done = false;
      const end = (state: 'failed' | 'closed') => {
        if (done) return;
        done = true;
        listener(state);
      };
      const sub = pc.connectionStateChange.subscribe((state) => {
        if (state === 'failed' || state === 'closed') end(state);
      });
      // werift reports a remote close (its SCTP ABORT) neither as a channel nor as a state change.
      const assoc = (pc as unknown as AssociationEvents).sctpTransport?.sctp?.stateChanged?.closed;
      const assocSub = assoc?.subscribe(() => end('closed'));
      return () => {
        done = true;
        sub.unSubscribe();
        assocSub?.unSubscribe?.();
      };
    },
    close() {
      channelSub.unSubscribe();
      stateSub.unSubscribe();
      channels.close('peer connection closed');
      void pc.close();
    },
  };
}

/** werift internals: the SCTP association's `closed` event (werift 0.24.4). */
interface AssociationEvents {
  sctpTransport?: {
    sctp?: { stateChanged?: { closed?: { subscribe(f: () => void): { unSubscribe?(): void } } } };
  };
}

/**
 * Keep the messages that arrive before the application subscribes to `channel.onMessage` (it gets
 * the channel only after verification) and hand them to its first subscriber, in order.
 */
function holdEarlyMessages(channel: RTCDataChannel): void {
  type Message = Parameters<Parameters<RTCDataChannel['onMessage']['subscribe']>[0]>[0];
  const early = createEarlyMessageBuffer<Message>();
  const event = channel.onMessage;
  event.subscribe((message) => {
    if (early.holding) early.hold(message);
  });
  const subscribe = event.subscribe;
  event.subscribe = (execute, complete, error) => {
    const subscription = subscribe(execute, complete, error);
    early.release((message) => execute(message));
    return subscription;
  };
}

function toDescription(d: { type: string; sdp: string }): SessionDescriptionInit {
  if (d.type !== 'offer' && d.type !== 'answer') throw new TypeError(`unexpected description type ${d.type}`);
  return { type: d.type, sdp: d.sdp };
}

/**
 * webrtc-pc §4.4.1.5 (rollback): a transceiver that the rolled-back offer associated with a media
 * section gets its mid back to null. werift 0.24.4 keeps the mid and m-line index the offer gave it,
 * so when the peer's colliding offer (glare) puts another kind under that mid, two transceivers share
 * it and the next offer builds the wrong kind into the peer's m-line, which the peer refuses.
 */
function releaseRolledBackMids(pc: RTCPeerConnection): void {
  const negotiated = new Set<string>();
  for (const d of [pc.currentLocalDescription, pc.currentRemoteDescription]) {
    for (const m of (d?.sdp ?? '').matchAll(/^a=mid:(\S+)/gm)) if (m[1]) negotiated.add(m[1]);
  }
  for (const t of pc.getTransceivers()) {
    const internals = t as unknown as { mid?: string | null; mLineIndex?: number | undefined };
    if (typeof internals.mid === 'string' && !negotiated.has(internals.mid)) {
      internals.mid = null;
      internals.mLineIndex = undefined;
    }
  }
}
