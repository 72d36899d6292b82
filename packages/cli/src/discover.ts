/**
 * Devices on the LAN as the CLI sees them: mdns-announcer's `browse` (verified cards only; forged and
 * expired ones are counted in its stats, never yielded), each tagged with whether this identity has
 * the device in its trust store.
 */
import { type Browser, browse } from '@lanrtc/mdns-announcer';
import type { Card, TrustStore } from '@lanrtc/signal-core';
import { relayUrl } from './device-card.js';

/** Options of `openBrowser`. */
export interface DiscoverInit {
  readonly deviceType?: string;
  /** Interface names or IPv4 addresses (default: every non-internal IPv4 interface). */
  readonly interfaces?: readonly string[];
  readonly signal?: AbortSignal;
}

/** Start browsing `_lanrtc._udp` (or one device type's subtype). */
export function openBrowser(init: DiscoverInit): Promise<Browser<Card>> {
  return browse<Card>({
    ...(init.deviceType !== undefined ? { deviceType: init.deviceType } : {}),
    ...(init.interfaces && init.interfaces.length > 0 ? { interfaces: init.interfaces } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

/** One device as `browse` prints it (and `--json` gives it). */
export interface DeviceRow {
  readonly name: string;
  readonly id: string;
  readonly types: readonly string[];
  /** Where to reach it: direct candidates `ip:port`, else its relay URL. */
  readonly addresses: readonly string[];
  readonly relay?: string;
  readonly paired: boolean;
}

/** The row of a discovered card. */
export async function deviceRow(card: Card, trust: TrustStore): Promise<DeviceRow> {
  return {
    name: card.name,
    id: card.id,
    types: card.deviceTypes,
    addresses: card.candidates.map((c) =>
      c.address.includes(':') ? `[${c.address}]:${c.port}` : `${c.address}:${c.port}`,
    ),
    ...(card.relay ? { relay: relayUrl(card.relay) } : {}),
    paired: (await trust.get(card.id)) !== undefined,
  };
}

/** Cards the browser saw but refused: signature/format (forged, garbled) and expired. */
export function refusedCounts(browser: Browser<Card>): { forged: number; expired: number } {
  return { forged: browser.stats.unverified, expired: browser.stats.expired };
}
