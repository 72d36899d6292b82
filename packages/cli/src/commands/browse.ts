/**
 * `lanrtc browse`: the verified cards announced on the LAN, live (one line per change) until Ctrl-C,
 * or, with `--wait S`, the list after S seconds. Forged and expired cards are counted, never listed.
 */
import type { BrowseEvent } from '@lanrtc/mdns-announcer';
import type { Card, TrustStore } from '@lanrtc/signal-core';
import { booleanValue, listValue, type ParsedCommand, stringValue } from '../args.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { type DeviceRow, deviceRow, openBrowser, refusedCounts } from '../discover.js';
import { UsageError } from '../errors.js';
import { type CliIo, writeLine } from '../io.js';
import { printable } from '../printable.js';
import { loadDeviceState } from '../state.js';
import { openTrust } from '../trust.js';

/** Longest `--wait` accepted, in seconds. */
const MAX_WAIT_S = 3_600;

/** The `browse` subcommand. */
export const browseCommand: Command = {
  name: 'browse',
  summary: 'list the devices announced on the LAN (verified cards), live',
  usage: `usage: lanrtc browse [options]

Browses mDNS (_lanrtc._udp.local, or _<type>._sub with --type) and prints each verified card as it
comes, changes and goes: "+ NAME  TYPES  ID  ADDRESSES  paired|not paired" ("~" changed, "-" gone).
Cards whose signature does not verify (forged, garbled) or that expired are never listed; their
count is printed ("ignored N card(s) …"). Runs until Ctrl-C, or with --wait S prints the list after
S seconds and exits.

options:
  --type TYPE      only devices of this type (game, doorbell, files, relay, browser or a custom token)
  --interface IF   browse on this interface name or IPv4 address, repeatable (default: every
                   non-internal IPv4 interface)
  --wait S         browse S seconds (1–${MAX_WAIT_S}), print the list, exit
  --json           JSON: one object per line (live), or one { devices, ignored } object (--wait)
${COMMON_USAGE}`,
  options: {
    type: { type: 'string' },
    interface: { type: 'string', multiple: true },
    wait: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(parsed, io) {
    const waitS = waitFrom(parsed);
    const json = booleanValue(parsed, 'json', false);
    const deviceType = stringValue(parsed, 'type');
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    const trust = await openTrust(state.dir);
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    io.signal.addEventListener('abort', onAbort, { once: true });
    const timer = waitS !== undefined ? setTimeout(onAbort, waitS * 1000) : undefined;
    const browser = await openBrowser({
      ...(deviceType !== undefined ? { deviceType } : {}),
      interfaces: listValue(parsed, 'interface'),
    });
    stop.signal.addEventListener('abort', () => void browser.close(), { once: true });
    if (!json)
      writeLine(io.stderr, `browsing ${deviceType ? `type "${deviceType}"` : 'every type'} (Ctrl-C stops)`);
    let refused = { forged: 0, expired: 0 };
    const reportRefused = () => {
      const now = refusedCounts(browser);
      if (now.forged === refused.forged && now.expired === refused.expired) return;
      refused = now;
      if (waitS !== undefined) return; // told once, with the list
      if (json) writeLine(io.stdout, JSON.stringify({ event: 'ignored', ...refused }));
      else writeLine(io.stdout, ignoredLine(refused));
    };
    const poll = setInterval(reportRefused, 500);
    try {
      for await (const event of browser) {
        if (waitS !== undefined) continue; // the list is printed at the end
        await printEvent(event, trust, json, io);
        reportRefused();
      }
    } finally {
      clearInterval(poll);
      clearTimeout(timer);
      io.signal.removeEventListener('abort', onAbort);
      await browser.close();
    }
    reportRefused();
    if (waitS !== undefined) {
      const rows = await Promise.all(browser.services().map((s) => deviceRow(s.card, trust)));
      rows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      if (json) writeLine(io.stdout, JSON.stringify({ devices: rows, ignored: refused }));
      else {
        for (const row of rows) writeLine(io.stdout, `  ${rowText(row)}`);
        writeLine(io.stdout, `${rows.length} device(s) after ${waitS} s`);
        if (refused.forged + refused.expired > 0) writeLine(io.stdout, ignoredLine(refused));
      }
    }
    return 0;
  },
};

function waitFrom(parsed: ParsedCommand): number | undefined {
  const given = stringValue(parsed, 'wait');
  if (given === undefined) return undefined;
  const s = /^\d{1,4}$/.test(given) ? Number(given) : Number.NaN;
  if (!(s >= 1 && s <= MAX_WAIT_S))
    throw new UsageError(`--wait must be an integer 1–${MAX_WAIT_S} (got "${given}")`, 'browse');
  return s;
}

async function printEvent(
  event: BrowseEvent<Card>,
  trust: TrustStore,
  json: boolean,
  io: CliIo,
): Promise<void> {
  const row = await deviceRow(event.card, trust);
  if (json) writeLine(io.stdout, JSON.stringify({ event: event.type, ...row }));
  else writeLine(io.stdout, `${{ up: '+', update: '~', down: '-' }[event.type]} ${rowText(row)}`);
}

/** `"NAME"  TYPES  ID  ADDRESSES  paired|not paired` — names are the peer's text: escapes made visible. */
function rowText(row: DeviceRow): string {
  const where = [...row.addresses, ...(row.relay ? [`relay ${row.relay}`] : [])].join(' ') || '-';
  return `"${printable(row.name)}"  ${row.types.join(',') || '-'}  ${row.id}  ${printable(where)}  ${row.paired ? 'paired' : 'not paired'}`;
}

function ignoredLine(refused: { forged: number; expired: number }): string {
  return `ignored ${refused.forged + refused.expired} card(s): ${refused.forged} that did not verify (forged or garbled), ${refused.expired} expired`;
}
