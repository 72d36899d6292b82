/**
 * `lanrtc connect NAME|ID`: find the device's verified card over mDNS, connect to it directly from
 * the card (pairing first with the PIN `lanrtc listen --pin` shows when this identity does not trust
 * it yet), then open channel `lanrtc`, send each message and print the replies.
 */
import { isIP } from 'node:net';
import { createInterface } from 'node:readline/promises';
import type { Card, PairingMode } from '@lanrtc/signal-core';
import { MAX_CARD_NAME_BYTES } from '@lanrtc/signal-core/protocol';
import { listValue, type ParsedCommand, stringValue } from '../args.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { CONNECT_TIMEOUT_MS, connectToDevice } from '../connect-device.js';
import { relayUrl } from '../device-card.js';
import { deviceRow, openBrowser, refusedCounts } from '../discover.js';
import { AmbiguousDeviceError, DeviceNotFoundError, PinEntryError, UsageError } from '../errors.js';
import { ECHO_CHANNEL, exchange } from '../exchange.js';
import { type CliIo, writeLine } from '../io.js';
import { printable } from '../printable.js';
import { loadDeviceState } from '../state.js';
import { openTrust } from '../trust.js';

/** How long to look for the device by default, in seconds. */
const DEFAULT_FIND_S = 10;
/** After a first card with the name, how long other devices of the same name may still answer. */
const SAME_NAME_SETTLE_MS = 1_500;

/** The `connect` subcommand. */
export const connectCommand: Command = {
  name: 'connect',
  summary: 'find a device by name or id over mDNS and connect (pairing by PIN first if needed)',
  usage: `usage: lanrtc connect NAME|ID [options]

Looks for the device's card over mDNS (what \`lanrtc browse\` lists), connects directly to the
address in the card and authenticates in-band. A device this identity is not paired with needs its
PIN (\`lanrtc listen --pin\` shows one): --pin, or typed at the prompt on a terminal. Then channel
"${ECHO_CHANNEL}" is opened, each --message sent and "reply: …" printed for each answer.
Two devices announcing NAME: both are listed and nothing is connected (give the ID).

options:
  --message MSG    send MSG, repeatable
  --pin PIN        pair with the PIN the device shows (first contact)
  --name NAME      this machine's name as the device stores it when pairing (default: host name)
  --type TYPE      look only among devices of this type
  --interface IF   browse on this interface name or IPv4 address, repeatable
  --address ADDR   local IP address for ICE (default: every non-internal IPv4 address)
  --timeout S      seconds to look for the device (default ${DEFAULT_FIND_S}); connecting has ${CONNECT_TIMEOUT_MS / 1000} s more
${COMMON_USAGE}`,
  options: {
    message: { type: 'string', multiple: true },
    pin: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string' },
    interface: { type: 'string', multiple: true },
    address: { type: 'string' },
    timeout: { type: 'string' },
  },
  maxPositionals: 1,
  async run(parsed, io) {
    const query = parsed.positionals[0];
    if (query === undefined || query === '')
      throw new UsageError('give the NAME or ID of a device', 'connect');
    const pin = stringValue(parsed, 'pin');
    if (pin !== undefined && !/^\d{4,12}$/.test(pin))
      throw new UsageError(`--pin must be the digits the device shows (got "${printable(pin)}")`, 'connect');
    const address = stringValue(parsed, 'address');
    if (address !== undefined && isIP(address) === 0)
      throw new UsageError(`--address must be an IPv4 or IPv6 address (got "${address}")`, 'connect');
    const findS = timeoutFrom(parsed);
    const ownName = stringValue(parsed, 'name');
    if (
      ownName !== undefined &&
      (Buffer.byteLength(ownName) > MAX_CARD_NAME_BYTES || /[\p{Cc}\p{Cf}]/u.test(ownName))
    )
      throw new UsageError(`--name must be ≤ ${MAX_CARD_NAME_BYTES} bytes, no control characters`, 'connect');
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    const trust = await openTrust(state.dir);
    const card = await findCard(query, parsed, findS, io);
    const known = await trust.get(card.id);
    let pairing: PairingMode | undefined;
    if (pin !== undefined) pairing = { kind: 'pin', pin };
    else if (!known && io.stdin.isTTY) pairing = { kind: 'pin', pin: await askPin(card, io) };
    const at = card.candidates.map((c) => `${c.address}:${c.port}`).join(' ');
    const where = at || (card.relay ? `relay ${relayUrl(card.relay)}` : '-');
    writeLine(
      io.stdout,
      `found "${printable(card.name)}" (${card.id}) at ${where}${pairing ? ', pairing' : ''}`,
    );
    const connection = await connectToDevice(card, {
      state,
      trust,
      ...(pairing ? { pairing } : {}),
      ...(address !== undefined ? { address } : {}),
      ...(ownName !== undefined ? { ownName } : {}),
      signal: io.signal,
    });
    try {
      writeLine(
        io.stdout,
        `connected to ${printable(card.name)} (${connection.remote.id})${connection.paired ? ', paired now' : ''}`,
      );
      await exchange(connection, listValue(parsed, 'message'), io, connection.echoChannelOpen);
    } finally {
      await connection.close();
    }
    return 0;
  },
};

function timeoutFrom(parsed: ParsedCommand): number {
  const given = stringValue(parsed, 'timeout');
  if (given === undefined) return DEFAULT_FIND_S;
  const s = /^\d{1,4}$/.test(given) ? Number(given) : Number.NaN;
  if (!(s >= 1 && s <= 600))
    throw new UsageError(`--timeout must be an integer 1–600 (got "${given}")`, 'connect');
  return s;
}

/**
 * The one card named `query` (its id, or its name): an id match ends the search at once; a name
 * match waits `SAME_NAME_SETTLE_MS` for other devices of that name, which make it ambiguous.
 */
async function findCard(query: string, parsed: ParsedCommand, findS: number, io: CliIo): Promise<Card> {
  const deviceType = stringValue(parsed, 'type');
  const interfaces = listValue(parsed, 'interface');
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
    const trust = await openTrust((await loadDeviceState(stringValue(parsed, 'config'), io.env)).dir);
    for (const card of matches) {
      const row = await deviceRow(card, trust);
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

/** Ask for the PIN on the terminal. */
async function askPin(card: Card, io: CliIo): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(
      `not paired with "${printable(card.name)}" yet: PIN it shows (\`lanrtc listen --pin\`): `,
      { signal: io.signal },
    );
    const pin = answer.trim();
    if (!/^\d{4,12}$/.test(pin))
      throw new PinEntryError(
        `a PIN is the 4–12 digits the device shows (got "${printable(pin)}"): run connect again`,
      );
    return pin;
  } finally {
    rl.close();
  }
}
