/**
 * Direct connect from a card (docs/PROTOCOL.md §"Direct connect and in-band authentication"): the
 * page sets signal-core's `cardToOffer(card)` as its remote description, answers it with its own
 * `createAnswer()` and applies that answer UNMODIFIED (no SDP munging; Chromium is removing ICE
 * credential munging). Nothing is sent back: the device is ICE-lite and learns the page from its
 * connectivity checks and its certificate from DTLS. Then the page authenticates in-band as
 * initiator, refusing any responder other than the card's identity; with a pairing card's secret
 * (or a PIN) it pairs on first contact, else both sides must already trust each other.
 *
 * This is how a page from a secure origin (https, an installed app) reaches a LAN device: it cannot
 * open `ws://<lan-ip>` (mixed content), but WebRTC to a LAN address is allowed.
 */
import { type Card, type CompareHandler, cardFromQrText, type PairingMode } from '@lanrtc/signal-core';
import { cardToOffer } from '@lanrtc/signal-core/protocol';
import {
  authenticateDirect,
  type BrowserConnection,
  type DirectPeerInit,
  openDirectPeer,
  orCloseDirectPeer,
} from './session.js';

/** Options of `connectDirect`. */
export interface DirectConnectInit extends DirectPeerInit {
  /** Pair in-band on first contact (a PIN the device shows); a pairing card's own secret is used when absent. */
  readonly pairing?: PairingMode;
  /** Compare-mode pairing: show the digits, resolve with the user's verdict. */
  readonly onCompare?: CompareHandler;
  /** Clock for the card's expiry check when a text is given (ms since the epoch; default now). */
  readonly now?: number;
}

/**
 * Connect to the device of `cardOrText` (a card opened with `openCard`, or the QR text of a card or
 * pairing card, which is verified here) and authenticate in-band; resolves with the connection only
 * once the device proved the card's identity.
 */
export async function connectDirect(
  cardOrText: Card | string,
  init: DirectConnectInit,
): Promise<BrowserConnection> {
  const { card, secret } =
    typeof cardOrText === 'string' ? cardFromQrText(cardOrText, init.now) : { card: cardOrText };
  init.signal?.throwIfAborted();
  const pairing: PairingMode | undefined = init.pairing ?? (secret ? { kind: 'secret', secret } : undefined);
  const direct = openDirectPeer(init);
  await orCloseDirectPeer(direct, async () => {
    await direct.peer.pc.setRemoteDescription(cardToOffer(card));
    await direct.peer.pc.setLocalDescription(await direct.peer.pc.createAnswer());
  });
  return authenticateDirect(
    direct,
    init,
    {
      role: 'initiator',
      expectedPeerId: card.id,
      ...(pairing ? { pairing } : {}),
      ...(init.onCompare ? { onCompare: init.onCompare } : {}),
      peerName: card.name,
    },
    'direct',
  );
}
