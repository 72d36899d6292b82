/**
 * The device's signed card as the CLI builds it: defaults taken from this machine (host name,
 * non-internal IPv4 addresses), the persisted identity, certificate and ICE credentials.
 */
import { hostname, networkInterfaces } from 'node:os';
import { type Card, type CardRelay, createCard } from '@lanrtc/signal-core';
import { formatSdpFingerprint } from '@lanrtc/signal-core/codec';
import { MAX_CARD_NAME_BYTES } from '@lanrtc/signal-core/protocol';
import type { DeviceState } from './state.js';

/** UDP port `lanrtc listen` and `lanrtc card` use when none is given. */
export const DEFAULT_DIRECT_PORT = 47_800;

/** What goes into the device's card beyond the persisted state. */
export interface DeviceCardInit {
  readonly name: string;
  readonly deviceTypes: readonly string[];
  /** ICE candidate addresses (UDP, all on `port`). */
  readonly addresses: readonly string[];
  readonly port: number;
  readonly relay?: CardRelay;
  /** Card lifetime in seconds (default one day). */
  readonly lifetimeS?: number;
}

/** Sign the device's card. Throws signal-core's `InvalidArgumentError` for an out-of-bounds field. */
export function buildDeviceCard(state: DeviceState, init: DeviceCardInit): Uint8Array {
  const issuedAt = Math.floor(Date.now() / 1000);
  return createCard(state.identity, {
    name: init.name,
    deviceTypes: init.deviceTypes,
    fingerprint: state.fingerprint,
    ice: state.ice,
    candidates: init.addresses.map((address) => ({ address, port: init.port })),
    ...(init.relay ? { relay: init.relay } : {}),
    issuedAt,
    expiresAt: issuedAt + (init.lifetimeS ?? 24 * 60 * 60),
  });
}

/** This machine's host name cut to a card name (≤ 32 UTF-8 bytes, no control characters). */
export function defaultDeviceName(): string {
  let name = '';
  for (const ch of hostname().replace(/[\p{Cc}\p{Cf}]/gu, '')) {
    if (Buffer.byteLength(name + ch) > MAX_CARD_NAME_BYTES) break;
    name += ch;
  }
  return name || 'lanrtc';
}

/**
 * The first non-internal IPv4 address of this machine, as a one-element list (empty when there is
 * none): the direct-connect listener binds one IPv4 address, and the card must name that one.
 */
export function defaultAddresses(): string[] {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return [a.address];
  return [];
}

/** Human-readable lines describing a verified card. */
export function describeCard(card: Card): string[] {
  const lines = [
    `name: ${card.name}`,
    `id: ${card.id}`,
    `types: ${card.deviceTypes.join(', ') || '(none)'}`,
    `fingerprint: ${formatSdpFingerprint(card.fingerprint)}`,
    `candidates: ${card.candidates.map((c) => `${c.address}:${c.port}`).join(' ') || '(none)'}`,
  ];
  if (card.relay) lines.push(`relay: ${relayUrl(card.relay)}`);
  lines.push(`expires: ${new Date(card.expiresAt * 1000).toISOString()}`);
  return lines;
}

/** A verified card as JSON for scripts (`lanrtc card --json`), with its QR text. */
export function cardJson(text: string, card: Card) {
  return {
    text,
    name: card.name,
    id: card.id,
    types: card.deviceTypes,
    fingerprint: formatSdpFingerprint(card.fingerprint),
    candidates: card.candidates.map((c) => ({ address: c.address, port: c.port })),
    ...(card.relay ? { relay: relayUrl(card.relay) } : {}),
    issued: new Date(card.issuedAt * 1000).toISOString(),
    expires: new Date(card.expiresAt * 1000).toISOString(),
  };
}

/** `ws://host:port/path` of a card's relay endpoint (IPv6 literals bracketed). */
export function relayUrl(relay: CardRelay): string {
  const host = relay.host.includes(':') ? `[${relay.host}]` : relay.host;
  return `ws://${host}:${relay.port}${relay.path ?? '/'}`;
}
