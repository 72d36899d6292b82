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
  encodeQrAnswer,
  encodeQrOffer,
  InvalidArgumentError,
  MalformedInputError,
  PAIRING_SECRET_BYTES,
  type PairingResult,
  QR_ANSWER_TIMEOUT_MS,
  type SessionDescriptionInit,
} from '@lanrtc/signal-core';
import {
  authenticateDirect,
  closeDirectPeer,
  type DirectConnection,
  type DirectPeerInit,
  gatheringComplete,
  openDirectPeer,
  orCloseDirectPeer,
} from '../direct/session.js';

/** Options of `createQrOffer`. */
export interface QrOfferInit extends DirectPeerInit {
  /** Put a one-time pairing secret in the offer (first contact): `true` for a random one, or the bytes. */
  readonly pairWithSecret?: boolean | Uint8Array;
  /** Called when the peer paired with the secret (before `accept` resolves). */
  readonly onPaired?: (result: PairingResult) => void;
}

/** A QR offer waiting for its answer. */
export interface PendingQrOffer {
  /** The offer's QR text (`LR1:…`): show it as a QR code or let the user copy it. */
  readonly text: string;
  /** Read the answer's text (scanned or pasted) and connect; rejects with a typed error on a wrong code or failed auth. */
  accept(answerText: string): Promise<DirectConnection>;
  /** Give up (closes the peer connection unless `accept` already returned a connection). */
  close(): void;
}

/** A QR answer: its text to show, and the connection it leads to once the offerer read it. */
export interface QrAnswer {
  /** The answer's QR text: show it as a QR code or let the user copy it. */
  readonly text: string;
  /** Settles when the offerer has read the answer and both sides authenticated. */
  readonly connection: Promise<DirectConnection>;
}

function description(pc: RTCPeerConnection): SessionDescriptionInit {
  const d = pc.localDescription;
  if (!d || (d.type !== 'offer' && d.type !== 'answer'))
    throw new InvalidArgumentError('no local description');
  return { type: d.type, sdp: d.sdp };
}

/** Create an offer for a QR code (or copy-paste); the returned `text` already holds every ICE candidate. */
export async function createQrOffer(init: QrOfferInit): Promise<PendingQrOffer> {
  const secret =
    init.pairWithSecret === true
      ? crypto.getRandomValues(new Uint8Array(PAIRING_SECRET_BYTES))
      : init.pairWithSecret || undefined;
  const direct = openDirectPeer(init);
  const { pc } = direct.peer;
  const { text, offer, created } = await orCloseDirectPeer(direct, async () => {
    const created = await pc.createOffer();
    await pc.setLocalDescription(created);
    await gatheringComplete(pc);
    const text = encodeQrOffer(description(pc), secret ? { secret } : {});
    const offer = decodeQrPayload(text);
    if (offer.kind !== 'offer') throw new MalformedInputError('offer did not round-trip');
    return { text, offer, created };
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
            ? {
                pairingWindow: {
                  mode: () => ({ kind: 'secret', secret }),
                  ...(init.onPaired ? { onPaired: init.onPaired } : {}),
                },
              }
            : {}),
        },
        { type: 'offer', sdp: created.sdp ?? '' },
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
export async function answerQrOffer(offerText: string, init: DirectPeerInit): Promise<QrAnswer> {
  const offer = decodeQrPayload(offerText);
  if (offer.kind !== 'offer') throw new MalformedInputError(`expected an offer, got ${offer.kind}`);
  const direct = openDirectPeer(init);
  const { pc } = direct.peer;
  const { text, created } = await orCloseDirectPeer(direct, async () => {
    await pc.setRemoteDescription(offer.description);
    const created = await pc.createAnswer();
    await pc.setLocalDescription(created);
    await gatheringComplete(pc);
    return { text: encodeQrAnswer(description(pc), offer), created };
  });
  const connection = authenticateDirect(
    direct,
    { ...init, timeoutMs: init.timeoutMs ?? QR_ANSWER_TIMEOUT_MS },
    { role: 'initiator', ...(offer.secret ? { pairing: { kind: 'secret', secret: offer.secret } } : {}) },
    { type: 'answer', sdp: created.sdp ?? '' },
  );
  // The caller may not await it before showing the answer; a failure is theirs to read, not unhandled.
  connection.catch(() => {});
  return { text, connection };
}
