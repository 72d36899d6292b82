/**
 * Card: a signed, versioned, compact description of an agent (docs/ARCHITECTURE.md "The objects"), sized to fit one
 * mDNS TXT string (RFC 6763 §6.1: ≤ 255 bytes) in the common case. Layout in docs/PROTOCOL.md §"Cards".
 */

/** Card wire format version this build writes and reads. */
export const CARD_VERSION = 1;

/** Signing domain of cards. */
export const CARD_DOMAIN = 'lanrtc/card/v1';

/** Flag bits of the card's flags byte. */
export const CARD_FLAG_NEXT_FINGERPRINT = 0x01;
/** Flag: a relay endpoint follows the candidates. */
export const CARD_FLAG_RELAY = 0x02;
/** Flag: custom device-type tokens follow the bitmask. */
export const CARD_FLAG_CUSTOM_TYPES = 0x04;

/** Largest encoded card accepted (cards with many candidates / long host names go in pages, not TXT). */
export const MAX_CARD_BYTES = 2048;

/** Longest name in UTF-8 bytes. */
export const MAX_CARD_NAME_BYTES = 32;

/** Most candidates in one card. */
export const MAX_CARD_CANDIDATES = 8;

/** Most custom (not well-known) device-type tokens in one card. */
export const MAX_CUSTOM_DEVICE_TYPES = 4;

/**
 * Well-known device types, encoded as one bit each (bit = index). Frozen for card version 1: a new
 * type is a custom token (kept as-is by every decoder), never a new bit.
 */
export const WELL_KNOWN_DEVICE_TYPES = ['game', 'doorbell', 'files', 'relay', 'browser'] as const;

/** A place the agent listens for ICE (UDP): an IPv4 or IPv6 literal or an mDNS `.local` name. */
export interface CardCandidate {
  /** `192.168.1.5`, `fe80::1` (RFC 5952 form when decoded) or `<name>.local` (RFC 6762). */
  readonly address: string;
  readonly port: number;
}

/** A LAN signalling relay the agent can be reached through (WebSocket). */
export interface CardRelay {
  /** IPv4 / IPv6 literal or host name. */
  readonly host: string;
  readonly port: number;
  /** Request path starting with `/`, printable ASCII, ≤ 64 bytes; absent means `/`. */
  readonly path?: string;
}

/** ICE credentials the agent answers with (RFC 8839 §5.4 ice-char strings). */
export interface CardIce {
  /** 4–32 ice-chars. */
  readonly ufrag: string;
  /** 22–256 ice-chars. */
  readonly pwd: string;
}

/** A verified, decoded card: the only form in which card content leaves `openCard`. */
export interface Card {
  readonly version: number;
  /** 32-byte Ed25519 identity public key that signed the card. */
  readonly publicKey: Uint8Array;
  /** Identity id derived from `publicKey`. */
  readonly id: string;
  /** Display name, ≤ 32 UTF-8 bytes, no control or bidi-override characters. */
  readonly name: string;
  /** Well-known types first (in `WELL_KNOWN_DEVICE_TYPES` order), then custom tokens. */
  readonly deviceTypes: readonly string[];
  /** Current DTLS certificate fingerprint (raw SHA-256). */
  readonly fingerprint: Uint8Array;
  /** The certificate the agent will rotate to next, so peers accept it without re-pairing. */
  readonly nextFingerprint?: Uint8Array;
  readonly ice: CardIce;
  readonly candidates: readonly CardCandidate[];
  readonly relay?: CardRelay;
  /** Seconds since the Unix epoch. */
  readonly issuedAt: number;
  /** Seconds since the Unix epoch; the card is invalid from this second on. */
  readonly expiresAt: number;
}

/** What `createCard` puts into a card (the identity supplies the key). */
export interface CardInit {
  readonly name: string;
  readonly deviceTypes: readonly string[];
  readonly fingerprint: Uint8Array;
  readonly nextFingerprint?: Uint8Array;
  readonly ice: CardIce;
  readonly candidates: readonly CardCandidate[];
  readonly relay?: CardRelay;
  /** Seconds since the Unix epoch; defaults to now. */
  readonly issuedAt?: number;
  /** Seconds since the Unix epoch; defaults to `issuedAt` + one day. */
  readonly expiresAt?: number;
}
