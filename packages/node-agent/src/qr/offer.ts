/**
 * `createQrOffer` on Node: the offering side of QR (or copy-paste) signalling, matching
 * `answerQrOffer` on a page or another Node. werift's own offer (never modified) with the negotiated
 * auth channel and every gathered candidate becomes the offer's text; the answer's text, verified
 * against that very offer (`QrMismatchError` otherwise), becomes the remote description. Then this
 * side authenticates in-band as *responder*: with the offer's one-time secret the two pair (PAKE),
 * else both must already trust each other. Nothing reaches the application before that.
 */
import {
  type Connection,
  decodeQrPayload,
  InvalidArgumentError,
  MalformedInputError,
  type PendingQrOffer,
  type QrOffer,
} from '@lanrtc/signal-core';
import { encodeQrOffer, type SessionDescriptionInit } from '@lanrtc/signal-core/codec';
import { DIRECT_AUTH_CHANNEL_ID, DIRECT_AUTH_LABEL } from '@lanrtc/signal-core/protocol';
import type { PairingWindow } from '@lanrtc/signal-core/session';
import type { RTCPeerConnection } from 'werift';
import { weriftAuthPort } from '../direct/auth-port.js';
import { closePeerConnection } from '../direct/connection.js';
import { authenticateInitiator, type InitiatorInit } from '../direct/initiator.js';
import type { NodePeerInit } from '../peer/create-node-peer.js';
import { createNodePeer } from '../peer/create-node-peer.js';
import { gatheringComplete } from '../peer/gathering.js';
import type { WeriftSessionPeer } from '../session-peer.js';
import { offerForWerift } from './remote-offer.js';

/** Default ICE/DTLS deadline once the answer is read (the answerer is already waiting by then). */
export const QR_OFFER_CONNECT_TIMEOUT_MS = 15_000;

/** Options of `createQrOffer`. */
export interface CreateQrOfferInit extends InitiatorInit {
  /** werift options besides the certificate (local addresses, `.local` resolver). */
  readonly peer?: Omit<NodePeerInit, 'certificate' | 'iceLite'>;
  /** One-time pairing secret carried in the offer (first contact). */
  readonly secret?: Uint8Array;
  /** Without a secret: the pairing window open on this agent (PIN or compare), if any. */
  readonly pairingWindow?: PairingWindow;
  /** From the answer being read until the auth channel is open (default `QR_OFFER_CONNECT_TIMEOUT_MS`). */
  readonly connectTimeoutMs?: number;
}

/** Create an offer for a QR code (or copy-paste); the returned `text` already holds every ICE candidate. */
export async function createQrOffer(init: CreateQrOfferInit): Promise<PendingQrOffer<WeriftSessionPeer>> {
  init.signal?.throwIfAborted();
  const pc = createNodePeer({ ...init.peer, certificate: init.certificate });
  const port = weriftAuthPort(
    pc.createDataChannel(DIRECT_AUTH_LABEL, { negotiated: true, id: DIRECT_AUTH_CHANNEL_ID, ordered: true }),
    pc,
  );
  let offer: QrOffer;
  let text: string;
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc);
    text = encodeQrOffer(localOffer(pc), init.secret ? { secret: init.secret } : {});
    const decoded = decodeQrPayload(text);
    if (decoded.kind !== 'offer') throw new MalformedInputError('offer did not round-trip');
    offer = decoded;
    // Aborted while gathering: no offer to hand out.
    init.signal?.throwIfAborted();
  } catch (error) {
    port.dispose();
    await closePeerConnection(pc);
    throw error;
  }
  let settled = false;
  const giveUp = () => {
    if (settled) return;
    settled = true;
    init.signal?.removeEventListener('abort', giveUp);
    port.dispose();
    void closePeerConnection(pc);
  };
  // Aborting while the offer waits for its answer closes it (the signal also bounds `accept`'s run).
  init.signal?.addEventListener('abort', giveUp, { once: true });
  const secret = init.secret;
  const window: PairingWindow | undefined = secret
    ? { mode: () => ({ kind: 'secret', secret }) }
    : init.pairingWindow;
  return {
    text,
    async accept(answerText): Promise<Connection<WeriftSessionPeer>> {
      init.signal?.throwIfAborted();
      if (settled) throw new InvalidArgumentError('this offer was already answered or closed');
      // Verifies the answer's binding to this offer (QrMismatchError) before anything is applied.
      const answer = decodeQrPayload(answerText, { offer });
      if (answer.kind !== 'answer') throw new MalformedInputError(`expected an answer, got ${answer.kind}`);
      settled = true;
      init.signal?.removeEventListener('abort', giveUp);
      try {
        await pc.setRemoteDescription(offerForWerift(answer.description));
      } catch (error) {
        port.dispose();
        await closePeerConnection(pc);
        throw error;
      }
      const ms = init.connectTimeoutMs ?? QR_OFFER_CONNECT_TIMEOUT_MS;
      return authenticateInitiator(pc, port, init, {
        path: 'qr',
        role: 'responder',
        openTimeoutMs: ms,
        openTimeoutMessage: `QR connection not open ${ms} ms after the answer was read`,
        ...(window ? { pairingWindow: window } : {}),
      });
    },
    close: giveUp,
  };
}

function localOffer(pc: RTCPeerConnection): SessionDescriptionInit {
  const d = pc.localDescription;
  if (d?.type !== 'offer') throw new InvalidArgumentError('werift made no local offer');
  return { type: 'offer', sdp: d.sdp };
}
