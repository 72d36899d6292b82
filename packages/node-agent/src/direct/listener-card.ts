/**
 * The direct-connect listener's card: signed by the identity, re-issued when a tenth of its lifetime
 * is left (so a published card never runs out) and after a certificate rotation.
 */
import {
  type Card,
  type CardCandidate,
  type CardIce,
  createCard,
  type Identity,
  openCard,
} from '@lanrtc/signal-core';
import { certificateFingerprint, type DtlsCertificate } from '../peer/certificate.js';

/** What goes into the listener's card besides the certificates. */
export interface CardIssuerInit {
  readonly identity: Identity;
  readonly name: string;
  readonly deviceTypes: readonly string[];
  readonly ice: CardIce;
  readonly candidates: readonly CardCandidate[];
  readonly lifetimeS: number;
}

/** The current card, in bytes and opened. */
export interface CardIssuer {
  current(): { bytes: Uint8Array; card: Card };
  /** Re-issue for a (new) current certificate and the next one. */
  issue(certificate: DtlsCertificate, next: DtlsCertificate | undefined): void;
}

/** Issue the first card now (throws `InvalidArgumentError` on a bad name, type or credentials). */
export function createCardIssuer(
  init: CardIssuerInit,
  certificate: DtlsCertificate,
  next: DtlsCertificate | undefined,
): CardIssuer {
  let state: { bytes: Uint8Array; card: Card; certificate: DtlsCertificate; next?: DtlsCertificate };
  const issue = (cert: DtlsCertificate, following: DtlsCertificate | undefined) => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const bytes = createCard(init.identity, {
      name: init.name,
      deviceTypes: init.deviceTypes,
      fingerprint: certificateFingerprint(cert),
      ...(following ? { nextFingerprint: certificateFingerprint(following) } : {}),
      ice: init.ice,
      candidates: init.candidates,
      issuedAt,
      expiresAt: issuedAt + init.lifetimeS,
    });
    state = { bytes, card: openCard(bytes), certificate: cert, ...(following ? { next: following } : {}) };
  };
  issue(certificate, next);
  return {
    current() {
      if (state.card.expiresAt - Date.now() / 1000 < init.lifetimeS / 10)
        issue(state.certificate, state.next);
      return { bytes: state.bytes, card: state.card };
    },
    issue,
  };
}
