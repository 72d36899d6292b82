/**
 * Finding a device's verified card over mDNS by name or id (`lanrtc connect`, `lanrtc send --to`),
 * and the devices of one type announced within a while (`lanrtc send` without `--to` lists them).
 */
import type { Card, TrustStore } from '@lanrtc/signal-core';
import { type ParsedCommand, stringValue } from './args.js';
import { deviceRow, openBrowser, refusedCounts } from './discover.js';
import { AmbiguousDeviceError, DeviceNotFoundError, UsageError } from './errors.js';
import { type CliIo, writeLine } from './io.js';
import { printable } from './printable.js';

/** After a first card with the name, how long other devices of the same name may still answer. */
const SAME_NAME_SETTLE_MS = 1_500;

/** Where and how long to look. */
export interface FindInit {
  /** Look only among devices of this type. */
  readonly deviceType?: string;
  /** Interface names or IPv4 addresses (default: every non-internal IPv4 interface). */
  readonly interfaces: readonly string[];
  /** Seconds to look. */
  readonly findS: number;
  /** Names the other devices of an ambiguous name as paired or not. */
  readonly trust: TrustStore;
}

/** `--timeout S` of a command that looks for a device: an integer 1–600, else `fallback`. */
export function timeoutFrom(parsed: ParsedCommand, command: string, fallback: number): number {
  const given = stringValue(parsed, 'timeout');
  if (given === undefined) return fallback;
  const s = /^\d{1,4}$/.test(given) ? Number(given) : Number.NaN;
  if (!(s >= 1 && s <= 600))
    throw new UsageError(`--timeout must be an integer 1–600 (got "${given}")`, command);
  return s;
}

/**
 * The one card named `query` (its id, or its name): an id match ends the search at once; a name
 * match waits `SAME_NAME_SETTLE_MS` for other devices of that name, which make it ambiguous.
 */
export async function findCard(query: string, init: FindInit, io: CliIo): Promise<Card> {
  const { deviceType, interfaces, findS } = init;
  const browser = await openBrowser({ ...(deviceType !== undefined ? { deviceType } : {}), interfaces });
  const byName = new Map<string, Card>();
  let found: Card | undefined;
  let settle: NodeJS.Timeout | undefined;
  const deadline = setTimeout(() => void browser.close(), findS * 1000);
  const onAbort = () => void browser.close();
  io.signal.addEventListener('abort', onAbort, { once: true });
  const started = Date.now();
  try {
    for await (const event of browser) {
      if (event.type === 'down') {
        byName.delete(event.card.id);
        continue;
      }
      if (event.card.id === query) {
        found = event.card;
        break;
      }
      if (event.card.name !== query) continue;
      byName.set(event.card.id, event.card);
      settle ??= setTimeout(() => void browser.close(), SAME_NAME_SETTLE_MS);
    }
  } finally {
    clearTimeout(deadline);
    clearTimeout(settle);
    io.signal.removeEventListener('abort', onAbort);
    await browser.close();
  }
  io.signal.throwIfAborted();
  if (found) return found;
  const matches = [...byName.values()];
  if (matches.length === 1) return matches[0] as Card;
  if (matches.length > 1) {
    for (const card of matches) {
      const row = await deviceRow(card, init.trust);
      writeLine(
        io.stderr,
        `  "${printable(row.name)}"  ${row.id}  ${row.addresses.join(' ') || row.relay || '-'}`,
      );
    }
    throw new AmbiguousDeviceError(
      `${matches.length} devices are named "${printable(query)}" (listed above): give the ID instead`,
    );
  }
  const seen = browser.services().length;
  const refused = refusedCounts(browser);
  const where = interfaces.length > 0 ? interfaces.join(', ') : 'every IPv4 interface';
  throw new DeviceNotFoundError(
    `no device named or with id "${printable(query)}" announced itself within ${Math.round((Date.now() - started) / 1000)} s ` +
      `(mDNS on ${where}${deviceType ? `, type ${deviceType}` : ''}; ${seen} other device(s) seen` +
      `${refused.forged + refused.expired > 0 ? `, ${refused.forged + refused.expired} card(s) ignored as forged or expired` : ''}) — \`lanrtc browse\` lists what is there`,
  );
}

/**
 * Every verified card of `init.deviceType` announced within `init.findS` seconds (fewer when the
 * signal aborts), sorted by name then id; this identity's own card is left out.
 */
export async function listCards(init: FindInit & { readonly ownId: string }, io: CliIo): Promise<Card[]> {
  const { deviceType, interfaces, findS } = init;
  const browser = await openBrowser({ ...(deviceType !== undefined ? { deviceType } : {}), interfaces });
  const deadline = setTimeout(() => void browser.close(), findS * 1000);
  const onAbort = () => void browser.close();
  io.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const _ of browser) {
      // The browser keeps the live set (`services()`); the list is taken when it closes.
    }
  } finally {
    clearTimeout(deadline);
    io.signal.removeEventListener('abort', onAbort);
    await browser.close();
  }
  io.signal.throwIfAborted();
  return browser
    .services()
    .map((s) => s.card)
    .filter((card) => card.id !== init.ownId)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
