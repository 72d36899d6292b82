/** `lanrtc card`: print this device's signed card as QR text and, optionally, a terminal QR code. */
import { InvalidArgumentError, openCard } from '@lanrtc/signal-core';
import { booleanValue, stringValue } from '../args.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { buildDeviceCard, cardJson, describeCard } from '../device-card.js';
import { UsageError } from '../errors.js';
import { writeLine } from '../io.js';
import { cardPayloadText } from '../payload.js';
import { renderTerminalQr } from '../qr.js';
import { loadDeviceState } from '../state.js';
import { CARD_OPTIONS, CARD_USAGE, cardInitFrom, wantsQr } from './card-options.js';

/** Longest card lifetime `--days` accepts. */
const MAX_DAYS = 365;

/** The `card` subcommand. */
export const cardCommand: Command = {
  name: 'card',
  summary: "print this device's signed card (text and terminal QR code)",
  usage: `usage: lanrtc card [options]

Prints the card's QR text on the first line, then (with --qr) the QR code, then what it says.
The card names the persisted identity, certificate fingerprint and ICE credentials, so the one
\`lanrtc listen\` serves with the same flags matches it.

options:
${CARD_USAGE}
  --days N         card lifetime in days, 1–${MAX_DAYS} (default 30)
  --json           one JSON object: text, name, id, types, fingerprint, candidates, relay, expires
                   (no QR code)
${COMMON_USAGE}`,
  options: { ...CARD_OPTIONS, days: { type: 'string' }, json: { type: 'boolean' } },
  async run(parsed, io) {
    const init = cardInitFrom(parsed, 'card');
    const daysText = stringValue(parsed, 'days', '30');
    const days = /^\d{1,3}$/.test(daysText) ? Number(daysText) : Number.NaN;
    if (!(days >= 1 && days <= MAX_DAYS))
      throw new UsageError(`--days must be an integer 1–${MAX_DAYS} (got "${daysText}")`, 'card');
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    let bytes: Uint8Array;
    try {
      bytes = buildDeviceCard(state, { ...init, lifetimeS: days * 86_400 });
    } catch (error) {
      // A field the card format refuses (name too long, bad type token, address): a usage problem.
      if (error instanceof InvalidArgumentError) throw new UsageError(error.message, 'card');
      throw error;
    }
    const text = cardPayloadText(bytes);
    if (booleanValue(parsed, 'json', false)) {
      writeLine(io.stdout, JSON.stringify(cardJson(text, openCard(bytes))));
      return 0;
    }
    writeLine(io.stdout, text);
    if (wantsQr(parsed, io)) writeLine(io.stdout, await renderTerminalQr(text, io.stdout.isTTY === true));
    for (const line of describeCard(openCard(bytes))) writeLine(io.stdout, line);
    return 0;
  },
};
