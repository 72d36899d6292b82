/**
 * `answerQrOffer`: the answering side of QR (or copy-paste) signalling on Node, matching
 * browser-client's `createQrOffer` on a page. The offer (complete SDP, maybe a one-time pairing
 * secret) becomes werift's remote description, werift's own answer the local one (never modified),
 * and once ICE gathering is complete the answer's text — bound to that very offer — is handed back
 * for the page to scan or paste. The connection follows when the page has read it: the negotiated
 * auth channel opens and in-band authentication runs with this side as *initiator* (the offerer is
 * the responder); with the offer's secret the two pair (PAKE, nothing typed), else both must already
 * trust each other. Nothing reaches the application before authentication succeeded.
 */
import {
  decodeQrPayload,
  type Identity,
  InvalidArgumentError,
  MalformedInputError,
  QR_ANSWER_TIMEOUT_MS,
  type QrAnswer,
  type QrOffer,
  type TrustStore,
} from '@lanrtc/signal-core';
import { encodeQrAnswer, type SessionDescriptionInit } from '@lanrtc/signal-core/codec';
import type { RTCPeerConnection } from 'werift';
import { answeringPeer, authenticateInitiator } from '../direct/initiator.js';
import type { DtlsCertificate } from '../peer/certificate.js';
import type { NodePeerInit } from '../peer/create-node-peer.js';
import { gatheringComplete } from '../peer/gathering.js';
import type { WeriftSessionPeer } from '../session-peer.js';
import { offerForWerift } from './remote-offer.js';

/** Options of `answerQrOffer`. */
export interface AnswerQrOfferInit {
  readonly identity: Identity;
  readonly certificate: DtlsCertificate;
  readonly trust: TrustStore;
  /** werift options besides the certificate (local addresses, `.local` resolver). */
  readonly peer?: Omit<NodePeerInit, 'certificate' | 'iceLite'>;
  /** From the answer's text being ready until the auth channel is open (default `QR_ANSWER_TIMEOUT_MS`). */
  readonly connectTimeoutMs?: number;
  /** In-band authentication (default signal-core's `DIRECT_AUTH_DEADLINE_MS`). */
  readonly authDeadlineMs?: number;
  /** Name stored for the offerer when pairing with the offer's secret. */
  readonly peerName?: string;
  /** Abort: the pending connection rejects with `signal.reason` and the peer connection is closed. */
  readonly signal?: AbortSignal;
}

/** Answer an offer's QR text (or the decoded offer): returns the answer's text at once and the connection to come. */
export async function answerQrOffer(
  offerText: string | QrOffer,
  init: AnswerQrOfferInit,
): Promise<QrAnswer<WeriftSessionPeer>> {
  const offer = typeof offerText === 'string' ? decodeQrPayload(offerText) : offerText;
  if (offer.kind !== 'offer') throw new MalformedInputError(`expected a QR offer, got ${offer.kind}`);
  const {
    pc,
    port,
    value: text,
  } = await answeringPeer(init, offerForWerift(offer.description), async (made) => {
    await gatheringComplete(made);
    return encodeQrAnswer(localAnswer(made), offer);
  });
  const ms = init.connectTimeoutMs ?? QR_ANSWER_TIMEOUT_MS;
  const connection = authenticateInitiator(pc, port, init, {
    path: 'qr',
    openTimeoutMs: ms,
    openTimeoutMessage: `QR answer not read and connected within ${ms} ms`,
    ...(offer.secret ? { pairing: { kind: 'secret', secret: offer.secret } } : {}),
    ...(init.peerName !== undefined ? { peerName: init.peerName } : {}),
  });
  // The caller shows the text before awaiting this; a failure is theirs to read, never unhandled.
  connection.catch(() => {});
  return { text, offer, connection };
}

function localAnswer(pc: RTCPeerConnection): SessionDescriptionInit {
  const d = pc.localDescription;
  if (d?.type !== 'answer') throw new InvalidArgumentError('werift made no local answer');
  return { type: 'answer', sdp: d.sdp };
}
