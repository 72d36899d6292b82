/**
 * `lanrtc paste`: read a QR text (argument or stdin) and act on it. A card or pairing card →
 * `connectDirect` (pairing in-band with the card's one-time secret); a page's QR offer (browser-client
 * `createQrOffer`) → `answerQrOffer`: print the answer's text (and a terminal QR code) for the page to
 * scan or paste, wait for the page to connect, authenticate in-band (pairing with the offer's secret
 * if it has one). Either way then open channel `lanrtc`, send messages and print the replies.
 */
import { isIP } from 'node:net';
import { text as readAll } from 'node:stream/consumers';
import {
  answerQrOffer,
  createFileTrustStore,
  type NodeConnection,
  QR_ANSWER_TIMEOUT_MS,
} from '@lanrtc/node-agent';
import type { QrOffer } from '@lanrtc/signal-core';
import { booleanValue, listValue, type ParsedCommand, stringValue } from '../args.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { connectToDevice, type DeviceConnection } from '../connect-device.js';
import { describeCard } from '../device-card.js';
import { UsageError } from '../errors.js';
import { ECHO_CHANNEL, exchange } from '../exchange.js';
import { type CliIo, writeLine } from '../io.js';
import { decodePasted, type PastedPayload } from '../payload.js';
import { printable } from '../printable.js';
import { renderTerminalQr } from '../qr.js';
import { summarizeSdp } from '../sdp-summary.js';
import { type DeviceState, loadDeviceState } from '../state.js';
import { openTrust } from '../trust.js';
import { wantsQr } from './card-options.js';
import { type AnswerPeer, answerPeer, localResolver } from './offer-peer.js';

/** Longest `--wait` accepted, in seconds. */
const MAX_WAIT_S = 3_600;

/** The `paste` subcommand. */
export const pasteCommand: Command = {
  name: 'paste',
  summary: "connect from a pasted card / pairing card, or answer a page's QR offer",
  usage: `usage: lanrtc paste [TEXT] [options]

TEXT is a QR text (LR1:…) — a card, a pairing card or a page's offer — or a base64url card; without
TEXT it is read from stdin (the whole output of \`lanrtc card\` or \`lanrtc listen --pair\` may be
pasted: a pairing card wins over a card, else the first line that decodes). A card or pairing card
connects directly to the device (pairing card: pairs in-band with its one-time secret; card: the
device must already trust this identity). An offer (a page's QR code, browser↔browser signalling) is
answered: the answer's text is printed on a line of its own (and, with --qr, as a QR code) for the
page to scan or paste; once the page read it, the two authenticate in-band (the offer's secret
pairs them; without one they must already trust each other). Then channel "${ECHO_CHANNEL}" is
opened, each --message (or, with TEXT given, each stdin line) is sent and "reply: …" printed for each answer.

options:
  --message MSG    send MSG, repeatable (default: stdin lines when TEXT is given)
  --address ADDR   local IP address for ICE (default: every non-internal IPv4 address)
  --wait S         offer: seconds to wait for the page to read the answer (default ${QR_ANSWER_TIMEOUT_MS / 1000})
  --qr, --no-qr    offer: print the answer as a terminal QR code (default: when stdout is a terminal)
  --describe       only print what TEXT is; do not connect
${COMMON_USAGE}`,
  options: {
    message: { type: 'string', multiple: true },
    address: { type: 'string' },
    wait: { type: 'string' },
    qr: { type: 'boolean' },
    describe: { type: 'boolean' },
  },
  maxPositionals: 1,
  async run(parsed, io) {
    const address = addressFrom(parsed);
    const waitMs = waitFrom(parsed);
    const given = parsed.positionals[0];
    // A terminal on stdin waits silently for input otherwise: say what it waits for (on stderr).
    if (given === undefined && io.stdin.isTTY)
      writeLine(io.stderr, 'reading the QR text from stdin (paste it, then Ctrl-D)');
    const text = given ?? (await readAll(io.stdin));
    if (text.trim() === '') throw new UsageError('nothing to paste: give TEXT or pipe it to stdin', 'paste');
    const payload = decodePasted(text);
    describe(payload, io);
    if (booleanValue(parsed, 'describe', false)) return 0;
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    const connection =
      payload.kind === 'offer'
        ? await answerOffer(payload.offer, state, address, parsed, io, waitMs)
        : await connectCard(payload, state, address, io);
    try {
      const messages = listValue(parsed, 'message');
      const lines = messages.length > 0 || given === undefined ? messages : await stdinLines(io);
      await exchange(connection, lines, io, 'echoChannelOpen' in connection && connection.echoChannelOpen);
    } finally {
      await connection.close();
    }
    return 0;
  },
};

function describe(payload: PastedPayload, io: CliIo): void {
  if (payload.kind === 'offer') {
    writeLine(
      io.stdout,
      `offer (browser↔browser QR signalling)${payload.secret ? ' with a pairing secret' : ''}`,
    );
    for (const line of summarizeSdp(payload.description)) writeLine(io.stdout, `  ${printable(line)}`);
    return;
  }
  writeLine(io.stdout, payload.kind === 'pairing-card' ? 'pairing card' : 'card');
  for (const line of describeCard(payload.card)) writeLine(io.stdout, `  ${printable(line)}`);
}

function waitFrom(parsed: ParsedCommand): number {
  const given = stringValue(parsed, 'wait');
  if (given === undefined) return QR_ANSWER_TIMEOUT_MS;
  const s = /^\d{1,4}$/.test(given) ? Number(given) : Number.NaN;
  if (!(s >= 1 && s <= MAX_WAIT_S))
    throw new UsageError(`--wait must be an integer 1–${MAX_WAIT_S} (got "${given}")`, 'paste');
  return s * 1000;
}

/**
 * `--address`: an IP literal (werift binds its sockets to it), checked before anything runs like
 * `card`/`listen` check theirs; whether this machine has it is `InterfaceNotFoundError` (exit 1).
 */
function addressFrom(parsed: ParsedCommand): string | undefined {
  const address = stringValue(parsed, 'address');
  if (address !== undefined && isIP(address) === 0)
    throw new UsageError(`--address must be an IPv4 or IPv6 address (got "${address}")`, 'paste');
  return address;
}

async function connectCard(
  payload: Exclude<PastedPayload, { kind: 'offer' }>,
  state: DeviceState,
  address: string | undefined,
  io: CliIo,
): Promise<DeviceConnection> {
  const connection = await connectToDevice(payload.card, {
    state,
    trust: await openTrust(state.dir),
    ...(payload.kind === 'pairing-card' ? { pairing: { kind: 'secret', secret: payload.secret } } : {}),
    ...(address !== undefined ? { address } : {}),
    signal: io.signal,
  });
  writeLine(
    io.stdout,
    `connected to ${printable(payload.card.name)} (${connection.remote.id})${connection.paired ? ', paired now' : ''}`,
  );
  return connection;
}

async function answerOffer(
  offer: QrOffer,
  state: DeviceState,
  address: string | undefined,
  parsed: ParsedCommand,
  io: CliIo,
  waitMs: number,
): Promise<NodeConnection> {
  const resolver = await localResolver(offer, address, io);
  try {
    return await answerWith(offer, state, answerPeer(address, resolver, io), parsed, io, waitMs);
  } finally {
    // Candidates are resolved while connecting; once connected (or failed) the sockets go.
    await resolver?.close();
  }
}

async function answerWith(
  offer: QrOffer,
  state: DeviceState,
  peer: AnswerPeer,
  parsed: ParsedCommand,
  io: CliIo,
  waitMs: number,
): Promise<NodeConnection> {
  const answer = await answerQrOffer(offer, {
    identity: state.identity,
    certificate: state.certificate,
    trust: await createFileTrustStore({ dir: state.dir }),
    peer,
    connectTimeoutMs: waitMs,
    signal: io.signal,
  });
  // The text alone on its line: a page's paste field takes it as it is (no label to strip).
  writeLine(io.stdout, 'answer (show this QR code to the page, or paste the next line into it):');
  writeLine(io.stdout, answer.text);
  if (wantsQr(parsed, io))
    writeLine(io.stdout, await renderTerminalQr(answer.text, io.stdout.isTTY === true));
  writeLine(io.stdout, `waiting up to ${Math.round(waitMs / 1000)} s for the page to read the answer`);
  const connection = await answer.connection;
  writeLine(io.stdout, `connected to ${connection.remote.id}${connection.paired ? ', paired now' : ''}`);
  return connection;
}

async function stdinLines(io: CliIo): Promise<string[]> {
  if (io.stdin.isTTY) return []; // interactive chat is not implemented: use --message
  return (await readAll(io.stdin)).split(/\r?\n/).filter((l) => l.length > 0);
}
