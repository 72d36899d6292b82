/**
 * Fixed ICE credentials for a listener's card (RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/").
 * Generated once, then persisted by the application so the card stays valid across restarts.
 */
import { randomBytes } from 'node:crypto';
import type { CardIce } from '@lanrtc/signal-core';

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function iceString(length: number): string {
  // 64 symbols: a byte's low six bits pick one uniformly.
  return Array.from(randomBytes(length), (b) => ICE_CHARS[b & 63]).join('');
}

/** Fresh credentials: an 8-character ufrag and a 24-character password (144 bits). */
export function generateIceCredentials(): CardIce {
  return { ufrag: iceString(8), pwd: iceString(24) };
}
