/** @lanrtc/mdns-announcer — DNS-SD announce/browse of signed lanrtc cards and a `.local` resolver. */

export type { Logger } from '@lanrtc/signal-core';
export { type AnnounceInit, type Announcement, announce } from './announce.js';
export { type AnnounceListenerInit, announceListener, type CardSource } from './announce-listener.js';
export {
  type BrowseEvent,
  type BrowseInit,
  type Browser,
  browse,
  type DiscoveredService,
  type ServiceCandidate,
} from './browse.js';
export type { CardVerifier, VerifiedCard } from './card.js';
export { openSignedCard } from './default-verifier.js';
export { dnsPacketPatched } from './dns-packet-check.js';
export {
  CardTooLargeError,
  DnsPacketUnpatchedError,
  InvalidDeviceTypeError,
  NoInterfaceError,
  ResolveTimeoutError,
} from './errors.js';
export { MDNS_PORT, SERVICE_TYPE, subtypeName } from './names.js';
export { DEFAULT_TTLS, type RecordTtls } from './records.js';
export { createResolver, type ResolvedAddresses, type Resolver, type ResolverInit } from './resolver.js';
export type { MdnsStats } from './stats.js';
export { decodeServiceTxt, encodeServiceTxt, MAX_TXT_CARD_BYTES, type ServiceTxt } from './txt.js';
