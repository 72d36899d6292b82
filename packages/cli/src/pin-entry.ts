/**
 * The connecting side's first-contact flags and prompts (`lanrtc connect`, `lanrtc send`): the PIN the
 * device shows (`--pin`, or typed at a prompt on a terminal; `send` takes an empty line as comparison) and the name this machine gives itself
 * in the device's trust store (`--name`).
 */
import type { Card, PairingMode } from '@lanrtc/signal-core';
import { MAX_CARD_NAME_BYTES } from '@lanrtc/signal-core/protocol';
import { type ParsedCommand, stringValue } from './args.js';
import { askLine } from './ask.js';
import { PinEntryError, UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { printable } from './printable.js';

/** What a PIN is: the 4–12 digits a device shows. */
const PIN_PATTERN = /^\d{4,12}$/;

/** `--pin PIN` of `command`, checked (digits only), or undefined. */
export function pinFrom(parsed: ParsedCommand, command: string): string | undefined {
  const pin = stringValue(parsed, 'pin');
  if (pin !== undefined && !PIN_PATTERN.test(pin))
    throw new UsageError(`--pin must be the digits the device shows (got "${printable(pin)}")`, command);
  return pin;
}

/** `--name NAME` of `command` (this machine's name as the device stores it), checked, or undefined. */
export function ownNameFrom(parsed: ParsedCommand, command: string): string | undefined {
  const name = stringValue(parsed, 'name');
  if (name !== undefined && (Buffer.byteLength(name) > MAX_CARD_NAME_BYTES || /[\p{Cc}\p{Cf}]/u.test(name)))
    throw new UsageError(`--name must be ≤ ${MAX_CARD_NAME_BYTES} bytes, no control characters`, command);
  return name;
}

/** Ask for the PIN `card`'s device shows on the terminal (`how`: the command that shows it). */
export async function askPin(card: Card, io: CliIo, how: string, again: string): Promise<string> {
  const pin = await askLine(`not paired with "${printable(card.name)}" yet: PIN it shows (\`${how}\`): `, io);
  if (!PIN_PATTERN.test(pin))
    throw new PinEntryError(
      `a PIN is the 4–12 digits the device shows (got "${printable(pin)}"): run ${again} again`,
    );
  return pin;
}

/**
 * First contact on a terminal: the PIN `card`'s device shows (\`lanrtc DEVICE --pin\`), or an empty
 * line to pair by comparing digits (\`lanrtc DEVICE --compare\`); `device` is the command the other
 * side runs, `again` this one.
 */
export async function askPairing(card: Card, io: CliIo, device: string, again: string): Promise<PairingMode> {
  const answer = await askLine(
    `not paired with "${printable(card.name)}" yet: PIN it shows (\`lanrtc ${device} --pin\`), or Enter to compare digits (\`lanrtc ${device} --compare\`): `,
    io,
  );
  if (answer === '') return { kind: 'compare' };
  if (!PIN_PATTERN.test(answer))
    throw new PinEntryError(
      `a PIN is the 4–12 digits the device shows (got "${printable(answer)}"): run ${again} again`,
    );
  return { kind: 'pin', pin: answer };
}
