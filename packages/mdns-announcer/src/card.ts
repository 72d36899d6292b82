/**
 * What this package needs from a card, and the verifier that turns TXT bytes into one. The card
 * format itself belongs to signal-core; decoding is verifying (docs/CONTRIBUTING.md "Decoding is verifying"), so nothing here ever
 * reads a card's fields without the verifier having accepted its signature and expiry.
 */

/** The verified card fields mdns-announcer uses (signal-core's `Card` satisfies this). */
export interface VerifiedCard {
  /** Identity id of the signer. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Device types; each becomes a DNS-SD subtype. */
  readonly deviceTypes: readonly string[];
  /** Seconds since the Unix epoch from which the card is invalid. */
  readonly expiresAt: number;
  /** Signed places the agent listens on (address literal or `.local` name, and port), if the card has any. */
  readonly candidates?: readonly { readonly address: string; readonly port: number }[];
}

/**
 * Opens a card: returns it verified (signature checked, not expired at `nowSeconds`) or throws
 * (signal-core: `InvalidSignatureError`, `CardExpiredError`, `MalformedInputError`, `UnsupportedVersionError`).
 */
export type CardVerifier<C extends VerifiedCard = VerifiedCard> = (
  bytes: Uint8Array,
  nowSeconds: number,
) => C;
