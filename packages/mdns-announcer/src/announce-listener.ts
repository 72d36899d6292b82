/**
 * Announce a direct listener's card and keep announcing the card it holds: a listener re-issues its
 * card before the card expires (a fresh signature), and a stale TXT record would be refused by
 * browsers once expired, so the card is compared every `checkMs` and re-announced when it changed
 * (RFC 6762 §8.4).
 */
import { equalBytes } from '@lanrtc/signal-core/codec';
import { type AnnounceInit, type Announcement, announce } from './announce.js';
import type { VerifiedCard } from './card.js';

/** What is announced: node-agent's `DirectListener` has this shape. */
export interface CardSource {
  /** The current signed card. */
  cardBytes(): Uint8Array;
  /** The UDP port the card's candidates name (SRV). */
  readonly port: number;
}

/** Options of `announceListener`: `announce`'s, but the card and port come from the listener. */
export interface AnnounceListenerInit
  extends Omit<AnnounceInit<VerifiedCard>, 'card' | 'port' | 'handleSignals' | 'signal'> {
  /** How often the card is compared with the listener's (default 60 s). */
  readonly checkMs?: number;
  /** A re-announcement that failed (an interface went away); the announcement goes on. */
  readonly onUpdateError?: (error: unknown) => void;
}

/** Announce `listener`'s card (no signal handling: the caller closes); `close()` says goodbye. */
export async function announceListener(
  listener: CardSource,
  init: AnnounceListenerInit = {},
): Promise<Announcement> {
  let announced = listener.cardBytes();
  const { checkMs, onUpdateError, interfaces, ...rest } = init;
  const ad = await announce({
    ...rest,
    card: announced,
    port: listener.port,
    // An empty list means "not chosen": every interface, as `announce` does without the option.
    ...(interfaces && interfaces.length > 0 ? { interfaces } : {}),
    handleSignals: false,
  });
  const check = setInterval(() => {
    const bytes = listener.cardBytes();
    if (equalBytes(bytes, announced)) return;
    announced = bytes;
    ad.update(bytes).catch((error: unknown) => onUpdateError?.(error));
  }, checkMs ?? 60_000);
  return {
    get name() {
      return ad.name;
    },
    get hostName() {
      return ad.hostName;
    },
    get stats() {
      return ad.stats;
    },
    update: (card) => ad.update(card),
    async close(options) {
      clearInterval(check);
      await ad.close(options);
    },
  };
}
