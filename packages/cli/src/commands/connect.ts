/**
 * `lanrtc connect NAME|ID`: find the device's verified card over mDNS, connect to it directly from
 * the card (pairing first with the PIN `lanrtc listen --pin` shows when this identity does not trust
 * it yet), then open channel `lanrtc`, send each message and print the replies.
 */
import { isIP } from 'node:net';
import type { PairingMode } from '@lanrtc/signal-core';
import { listValue, stringValue } from '../args.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { CONNECT_TIMEOUT_MS, connectToDevice } from '../connect-device.js';
import { relayUrl } from '../device-card.js';
import { UsageError } from '../errors.js';
import { ECHO_CHANNEL, exchange } from '../exchange.js';
import { findCard, timeoutFrom } from '../find-device.js';
import { writeLine } from '../io.js';
import { askPin, ownNameFrom, pinFrom } from '../pin-entry.js';
import { printable } from '../printable.js';
import { loadDeviceState } from '../state.js';
import { openTrust } from '../trust.js';

/** How long to look for the device by default, in seconds. */
const DEFAULT_FIND_S = 10;

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
    const pin = pinFrom(parsed, 'connect');
    const address = stringValue(parsed, 'address');
    if (address !== undefined && isIP(address) === 0)
      throw new UsageError(`--address must be an IPv4 or IPv6 address (got "${address}")`, 'connect');
    const findS = timeoutFrom(parsed, 'connect', DEFAULT_FIND_S);
    const ownName = ownNameFrom(parsed, 'connect');
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    const trust = await openTrust(state.dir);
    const deviceType = stringValue(parsed, 'type');
    const card = await findCard(
      query,
      {
        ...(deviceType !== undefined ? { deviceType } : {}),
        interfaces: listValue(parsed, 'interface'),
        findS,
        trust,
      },
      io,
    );
    const known = await trust.get(card.id);
    let pairing: PairingMode | undefined;
    if (pin !== undefined) pairing = { kind: 'pin', pin };
    else if (!known && io.stdin.isTTY)
      pairing = { kind: 'pin', pin: await askPin(card, io, 'lanrtc listen --pin', 'connect') };
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
