/** Flags shared by the subcommands that build this device's card (`card`, `listen`). */
import { isIP } from 'node:net';
import { booleanValue, listValue, type ParsedCommand, parsePort, stringValue } from '../args.js';
import {
  DEFAULT_DIRECT_PORT,
  type DeviceCardInit,
  defaultAddresses,
  defaultDeviceName,
} from '../device-card.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** The option table of the card flags. */
export const CARD_OPTIONS = {
  name: { type: 'string' },
  type: { type: 'string', multiple: true },
  address: { type: 'string', multiple: true },
  port: { type: 'string' },
  qr: { type: 'boolean' },
} as const;

/** Usage lines of the card flags. */
export const CARD_USAGE = `  --name NAME      card name, ≤ 32 bytes (default: host name)
  --type TYPE      device type, repeatable (game, doorbell, files, relay, browser or a custom token)
  --address ADDR   ICE candidate address, an IP address the listener binds: at most one IPv4 and
                   one IPv6 (default: the first non-internal IPv4 address)
  --port PORT      UDP port of the direct-connect listener (default ${DEFAULT_DIRECT_PORT})
  --qr, --no-qr    print a terminal QR code (default: when stdout is a terminal)`;

/** The card fields given by the flags (defaults from this machine; `defaultPort` when no `--port`). */
export function cardInitFrom(
  parsed: ParsedCommand,
  command: string,
  allowPortZero = false,
  defaultPort = DEFAULT_DIRECT_PORT,
): DeviceCardInit {
  const port = parsePort(stringValue(parsed, 'port', String(defaultPort)), '--port', command, allowPortZero);
  const addresses = listValue(parsed, 'address');
  const chosen = addresses.length > 0 ? addresses : defaultAddresses();
  if (chosen.length === 0)
    throw new UsageError('no non-internal IPv4 address found: give one with --address', command);
  checkAddresses(chosen, command);
  return {
    name: stringValue(parsed, 'name') ?? defaultDeviceName(),
    deviceTypes: listValue(parsed, 'type'),
    addresses: chosen,
    port,
  };
}

/**
 * The listener's rule for `--address` (node-agent `createDirectListener` binds each one): an IP
 * literal, at most one per family. The card format also takes mDNS `.local` names (browsers'
 * candidates), but a card naming one would describe a listener `lanrtc listen` cannot run, so `card`
 * and `listen` apply the same rule. Whether the address is this machine's is checked by `listen`
 * only (InterfaceNotFoundError, exit 1): a card may be printed before the interface is up.
 */
function checkAddresses(addresses: readonly string[], command: string): void {
  const families = new Set<number>();
  for (const address of addresses) {
    const family = isIP(address);
    if (family === 0)
      throw new UsageError(`--address must be an IPv4 or IPv6 address (got "${address}")`, command);
    if (families.has(family))
      throw new UsageError(`--address: at most one IPv${family} address (the listener binds one)`, command);
    families.add(family);
  }
}

/** Whether to print a QR code: `--qr`/`--no-qr`, else when stdout is a terminal. */
export function wantsQr(parsed: ParsedCommand, io: CliIo): boolean {
  return booleanValue(parsed, 'qr', io.stdout.isTTY === true);
}
