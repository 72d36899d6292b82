/**
 * Browser ↔ browser with no network service at all: page A shows its offer as a QR code (or text
 * to copy), page B reads it and shows its answer, A reads that, and they connect. The QR texts are
 * signal-core's QR payloads: the offer carries the complete SDP (ICE gathering is waited for: there
 * is no trickle channel) and, for first contact, a one-time 16-byte pairing secret; the answer is
 * bound to that very offer, so a swapped or stale answer code is `QrMismatchError`. Neither side
 * trusts the texts: once connected, they authenticate in-band on the negotiated auth channel —
 * A is the responder, B the initiator; with the offer's secret they pair (PAKE, nothing typed), else
 * both must already trust each other (identity signatures over both DTLS fingerprints).
 */
import {
  decodeQrPayload,
  InvalidArgumentError,
  MalformedInputError,
  type PendingQrOffer,
  QR_ANSWER_TIMEOUT_MS,
  type QrAnswer,
  type QrOffer,
} from '@lanrtc/signal-core';
import { encodeQrAnswer, encodeQrOffer, type SessionDescriptionInit } from '@lanrtc/signal-core/codec';
import { PAIRING_SECRET_BYTES } from '@lanrtc/signal-core/protocol';
import type { PairingWindow } from '@lanrtc/signal-core/session';
import {
  authenticateDirect,
  closeDirectPeer,
  type DirectPeerInit,
  gatheringComplete,
  openDirectPeer,
  orCloseDirectPeer,
} from '../direct/session.js';
import type { BrowserSessionPeer } from '../session-peer.js';

/** Options of `createQrOffer`. */
export interface QrOfferInit extends DirectPeerInit {
  /** Put a one-time pairing secret in the offer (first contact): `true` for a random one, or the bytes. */
  readonly pairWithSecret?: boolean | Uint8Array;
  /** Without a secret: a pairing window to accept (PIN or compare) if the answerer is not yet trusted. */
  readonly pairingWindow?: PairingWindow;
}

/** Options of `answerQrOffer`. */
export interface AnswerQrOfferInit extends DirectPeerInit {
  /** Name stored for the offerer when pairing with the offer's secret. */
  readonly peerName?: string;
}

function description(pc: RTCPeerConnection): SessionDescriptionInit {
  const d = pc.localDescription;
  if (!d || (d.type !== 'offer' && d.type !== 'answer'))
    throw new InvalidArgumentError('no local description');
  return { type: d.type, sdp: d.sdp };
}

/** Create an offer for a QR code (or copy-paste); the returned `text` already holds every ICE candidate. */
export async function createQrOffer(init: QrOfferInit): Promise<PendingQrOffer<BrowserSessionPeer>> {
  const secret =
    init.pairWithSecret === true
      ? crypto.getRandomValues(new Uint8Array(PAIRING_SECRET_BYTES))
      : init.pairWithSecret || undefined;
  init.signal?.throwIfAborted();
  const direct = openDirectPeer(init);
  const { pc } = direct.peer;
  const { text, offer } = await orCloseDirectPeer(direct, async () => {
    await pc.setLocalDescription(await pc.createOffer());
    await gatheringComplete(pc);
    const text = encodeQrOffer(description(pc), secret ? { secret } : {});
    const offer = decodeQrPayload(text);
    if (offer.kind !== 'offer') throw new MalformedInputError('offer did not round-trip');
    init.signal?.throwIfAborted(); // aborted while gathering: no offer to hand out
    return { text, offer };
  });
  let accepted = false;
  // Aborting while the offer waits for its answer closes it (the signal also bounds `accept`'s run).
  const onAbort = () => {
    if (accepted) return;
    accepted = true;
    closeDirectPeer(direct);
  };
  init.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    text,
    async accept(answerText) {
      init.signal?.throwIfAborted();
      if (accepted) throw new InvalidArgumentError('this offer was already answered');
      // Verifies the answer's binding to this offer (QrMismatchError) before anything is applied.
      const answer = decodeQrPayload(answerText, { offer });
      if (answer.kind !== 'answer') throw new MalformedInputError(`expected an answer, got ${answer.kind}`);
      accepted = true;
      init.signal?.removeEventListener('abort', onAbort);
      await orCloseDirectPeer(direct, () => pc.setRemoteDescription(answer.description));
      return authenticateDirect(
        direct,
        init,
        {
          role: 'responder',
          ...(secret
            ? { pairingWindow: { mode: () => ({ kind: 'secret', secret }) } }
            : init.pairingWindow
              ? {
                  pairingWindow: init.pairingWindow,
                  ...(init.pairingWindow.onCompare ? { onCompare: init.pairingWindow.onCompare } : {}),
                }
              : {}),
        },
        'qr',
      );
    },
    close() {
      if (accepted) return;
      accepted = true;
      init.signal?.removeEventListener('abort', onAbort);
      closeDirectPeer(direct);
    },
  };
}

/** Answer an offer's QR text (scanned or pasted): returns the answer's text at once and the connection to come. */
export async function answerQrOffer(
  offerText: string | QrOffer,
  init: AnswerQrOfferInit,
): Promise<QrAnswer<BrowserSessionPeer>> {
  const offer = typeof offerText === 'string' ? decodeQrPayload(offerText) : offerText;
  if (offer.kind !== 'offer') throw new MalformedInputError(`expected an offer, got ${offer.kind}`);
  const direct = openDirectPeer(init);
  const { pc } = direct.peer;
  const { text } = await orCloseDirectPeer(direct, async () => {
    await pc.setRemoteDescription(offer.description);
    await pc.setLocalDescription(await pc.createAnswer());
    await gatheringComplete(pc);
    return { text: encodeQrAnswer(description(pc), offer) };
  });
  const connection = authenticateDirect(
    direct,
    { ...init, timeoutMs: init.timeoutMs ?? QR_ANSWER_TIMEOUT_MS },
    {
      role: 'initiator',
      ...(offer.secret ? { pairing: { kind: 'secret', secret: offer.secret } } : {}),
      ...(init.peerName !== undefined ? { peerName: init.peerName } : {}),
    },
    'qr',
  );
  // The caller may not await it before showing the answer; a failure is theirs to read, not unhandled.
  connection.catch(() => {});
  return { text, offer, connection };
}
