/**
 * The pairing path's setup of the in-band authentication (docs/PROTOCOL.md §"Direct connect and
 * in-band authentication"): the PAKE session bound to both hellos, as initiator with the caller's
 * secret / PIN / comparison, or as responder under an open pairing window and its attempt policy.
 */
import { PairingNotOpenError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import { createPairing, type Pairing, type PairingMode } from '../pairing/pairing.js';
import { selectPairingWindow, startResponderPairing } from '../session/pairing-windows.js';
import type { PairingWindow } from '../session/types.js';
import type { AuthHello } from './auth-messages.js';
import { authPairingSessionId } from './auth-proof.js';

/** What `startAuthPairing` needs: one side's view after both hellos. */
export interface AuthPairingInit {
  readonly role: 'initiator' | 'responder';
  readonly identity: Identity;
  readonly localFingerprint: Uint8Array;
  readonly own: AuthHello;
  readonly peer: AuthHello;
  /** Initiator: the caller's pairing mode. */
  readonly mode?: PairingMode;
  /** Responder: the open window (absent: `PairingNotOpenError`). */
  readonly window?: PairingWindow;
  /** Responder: the mode the initiator's PAKE hello asks for (`peekHelloMode`), to pick the window. */
  readonly kind?: PairingMode['kind'] | undefined;
}

/**
 * Create the pairing of this run: session id SHA-256(responder nonce ‖ initiator nonce)[0..16], own
 * DTLS fingerprint. A responder needs an open window of the hello's mode whose policy admits the
 * attempt (`PairingNotOpenError` / `PairingLockedError` otherwise); an admitted attempt that cannot
 * start is recorded as a failure. `window` is the one chosen (its callbacks serve this run).
 */
export function startAuthPairing(init: AuthPairingInit): {
  pairing: Pairing;
  mode: PairingMode;
  window?: PairingWindow;
} {
  const { role, identity, own, peer } = init;
  const initiator = role === 'initiator';
  const sessionId = initiator
    ? authPairingSessionId(peer.nonce, own.nonce)
    : authPairingSessionId(own.nonce, peer.nonce);
  const common = { identity, fingerprint: init.localFingerprint, sessionId };
  if (initiator) {
    const mode = init.mode as PairingMode;
    return { pairing: createPairing({ ...common, role, mode }), mode };
  }
  if (!init.window) throw new PairingNotOpenError('pairing is not open');
  const window = selectPairingWindow(init.window, init.kind);
  let mode: PairingMode | undefined;
  const pairing = startResponderPairing(
    {
      ...window,
      mode: () => {
        mode = window.mode();
        return mode;
      },
    },
    common,
  );
  return { pairing, mode: mode as PairingMode, window };
}
