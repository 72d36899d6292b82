/** The default card verifier: signal-core's `openCard` (signature, format, version, expiry). */
import { type Card, openCard } from '@lanrtc/signal-core';
import type { CardVerifier, VerifiedCard } from './card.js';

/** Opens a signal-core card at the given time (`openCard` takes milliseconds). */
export const openSignedCard: CardVerifier<Card> = (bytes, nowSeconds) =>
  openCard(bytes, { now: nowSeconds * 1000 });

/**
 * The caller's verifier, or `openSignedCard`. Without a verifier the card type parameter is meant to
 * be its default, signal-core's `Card`, which is what `openSignedCard` returns.
 */
export function verifierOf<C extends VerifiedCard>(init: {
  readonly verifyCard?: CardVerifier<C>;
}): CardVerifier<C> {
  return init.verifyCard ?? (openSignedCard as unknown as CardVerifier<C>);
}
