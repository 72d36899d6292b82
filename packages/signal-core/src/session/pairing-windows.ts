/**
 * Several pairing windows open at once — a PIN display, a compare prompt, a one-time QR pairing
 * card — each accepting one mode: every incoming hello goes to the newest open window of the mode
 * it asks for. So a PIN lockout (a guesser on the LAN) refuses only PIN hellos, while the QR secret
 * and numeric comparison, which cannot be guessed, stay open to the user who can see the device.
 */
import { PairingNotOpenError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import { createPairing, type Pairing, type PairingMode } from '../pairing/pairing.js';
import type { PairingWindow } from './types.js';

/**
 * One window standing for `windows` (oldest first): itself it behaves as the newest (for callers
 * that do not `select`), and `select(kind)` gives the newest whose `kind` is that mode (or that
 * declares no kind). Undefined when `windows` is empty.
 */
export function combinePairingWindows(windows: readonly PairingWindow[]): PairingWindow | undefined {
  const newest = windows.at(-1);
  if (!newest) return undefined;
  const list = [...windows];
  // No `kind` of its own: the combination accepts every mode one of its windows accepts.
  const { kind: _newestKind, ...rest } = newest;
  return {
    ...rest,
    select: (kind) => {
      for (let i = list.length - 1; i >= 0; i--) {
        const w = list[i] as PairingWindow;
        if (w.kind !== undefined && w.kind !== kind) continue;
        const chosen = w.select ? w.select(kind) : w;
        if (chosen) return chosen;
      }
      return undefined;
    },
  };
}

/**
 * The window that admits a hello asking for `kind` (undefined: no hint, e.g. a malformed hello, and
 * the window's own mode decides). `PairingNotOpenError` when no open window accepts that mode: the
 * attempt is refused before any policy counts it.
 */
export function selectPairingWindow(
  window: PairingWindow,
  kind: PairingMode['kind'] | undefined,
): PairingWindow {
  if (kind === undefined) return window;
  if (window.select) {
    const chosen = window.select(kind);
    if (!chosen) throw new PairingNotOpenError(`pairing by ${kind} is not open`);
    return chosen;
  }
  if (window.kind !== undefined && window.kind !== kind)
    throw new PairingNotOpenError(`pairing by ${kind} is not open`);
  return window;
}

/**
 * The responder's pairing under `window`: admitted by its policy (`PairingLockedError` /
 * `PairingExpiredError`), with outcome hooks of its own; an admitted attempt that cannot start
 * (`window.mode()` throws: a QR card in use) ends as a failure at once instead of holding the slot.
 */
export function startResponderPairing(
  window: PairingWindow,
  init: { readonly identity: Identity; readonly fingerprint: Uint8Array; readonly sessionId: Uint8Array },
): Pairing {
  const attempt = window.policy?.begin();
  try {
    return createPairing({
      role: 'responder',
      ...init,
      mode: window.mode(),
      ...(attempt ? { attempt } : {}),
    });
  } catch (error) {
    attempt?.recordFailure();
    throw error;
  }
}

/**
 * A one-time QR pairing card's window: attempts run side by side, and the first to prove the secret
 * takes the card (`claim`, before anything is stored); later ones get `PairingNotOpenError`, and
 * `onUsed` runs once it paired. A 128-bit secret cannot be guessed, so nothing is rate limited — a
 * one-at-a-time rule would only let a peer without the secret hold the card by stalling.
 */
export function createOneTimeSecretWindow(secret: Uint8Array, onUsed: () => void): PairingWindow {
  let used = false;
  const refuse = () => new PairingNotOpenError('the QR pairing card was used');
  return {
    kind: 'secret',
    mode: () => {
      if (used) throw refuse();
      return { kind: 'secret', secret };
    },
    policy: {
      begin: () => ({
        claim: () => {
          if (used) throw refuse();
          used = true;
        },
        recordSuccess: () => {},
        recordFailure: () => {},
      }),
    },
    onPaired: () => onUsed(),
  };
}

/**
 * A reusable secret window (a room's join QR code): every peer that proves the secret pairs, for as
 * long as the window is open. A 128-bit secret cannot be guessed, so nothing is rate limited.
 */
export function createReusableSecretWindow(secret: Uint8Array): PairingWindow {
  const copy = secret.slice();
  return { kind: 'secret', mode: () => ({ kind: 'secret', secret: copy }) };
}
