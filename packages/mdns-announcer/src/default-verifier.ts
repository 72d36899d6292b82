/** The default card verifier: signal-core's `openCard` (signature, format, version, expiry). */
import { type Card, openCard } from '@lanrtc/signal-core';
import type { CardVerifier } from './card.js';

/** Opens a signal-core card at the given time (`openCard` takes milliseconds). */
export const openSignedCard: CardVerifier<Card> = (bytes, nowSeconds) => openCard(bytes, { now: nowSeconds * 1000 });
