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
  encodeQrAnswer,
  type Identity,
  InvalidArgumentError,
  MalformedInputError,
  QR_ANSWER_TIMEOUT_MS,
  type QrOffer,
  type SessionDescriptionInit,
  type TrustStore,
} from '@lanrtc/signal-core';
import type { RTCPeerConnection } from 'werift';
import type { DirectConnection } from '../direct/connection.js';
import { answeringPeer, authenticateInitiator } from '../direct/initiator.js';
import type { DtlsCertificate } from '../peer/certificate.js';
import type { NodePeerInit } from '../peer/create-node-peer.js';
import { offerForWerift } from './remote-offer.js';

/** Longest wait for ICE gathering before the answer is made from the candidates gathered so far. */
const GATHERING_MAX_MS = 5_000;

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

/** A QR answer: its text to show, and the connection it leads to once the offerer read it. */
export interface QrAnswer {
  /** The answer's QR text (`LR1:…`): show it as a QR code or let the user copy it. */
  readonly text: string;
  /** The offer it answers, decoded and verified. */
  readonly offer: QrOffer;
  /** Settles when the offerer has read the answer and both sides authenticated (already has a catch handler). */
  readonly connection: Promise<DirectConnection>;
}

/** Answer an offer's QR text (or the decoded offer): returns the answer's text at once and the connection to come. */
export async function answerQrOffer(offerText: string | QrOffer, init: AnswerQrOfferInit): Promise<QrAnswer> {
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

/** werift gathers inside `setLocalDescription`; wait for the state anyway, at most `GATHERING_MAX_MS`. */
function gatheringComplete(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.unSubscribe();
      resolve();
    };
    const timer = setTimeout(done, GATHERING_MAX_MS);
    const sub = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') done();
    });
  });
}
