/**
 * Errors mdns-announcer throws, on the shared `LanrtcError` base so callers branch on `err.name`
 * exactly as for signal-core errors.
 */
import { LanrtcError } from '@lanrtc/signal-core';

/** A card too large for one TXT string (RFC 6763 §6.1: 255 bytes, minus the `c=` key and margin). */
export class CardTooLargeError extends LanrtcError {
  static override readonly code = 'CardTooLargeError';
}

/** No multicast-capable IPv4 interface matched the requested list (or none exists). */
export class NoInterfaceError extends LanrtcError {
  static override readonly code = 'NoInterfaceError';
}

/** A `.local` name got no answer before the resolver's deadline. */
export class ResolveTimeoutError extends LanrtcError {
  static override readonly code = 'ResolveTimeoutError';
}

/** A device type that cannot be a DNS-SD subtype label (lowercase token, ≤ 16 characters). */
export class InvalidDeviceTypeError extends LanrtcError {
  static override readonly code = 'InvalidDeviceTypeError';
}

/** The loaded dns-packet lacks patches/dns-packet@5.6.1.patch (QU bit, cut-off records, TXT limit). */
export class DnsPacketUnpatchedError extends LanrtcError {
  static override readonly code = 'DnsPacketUnpatchedError';
}
