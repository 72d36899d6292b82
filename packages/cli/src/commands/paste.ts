/**
 * `lanrtc paste`: read a QR text (argument or stdin) and act on it. A card or pairing card →
 * `connectDirect` (pairing in-band with the card's one-time secret), open channel `lanrtc`, send
 * messages and print the replies; an offer is described (browser↔browser signalling is a page's job).
 */
import { text as readAll } from 'node:stream/consumers';
import { connectDirect, createFileTrustStore } from '@lanrtc/node-agent';
import { listValue, stringValue } from '../args.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { describeCard } from '../device-card.js';
import { UsageError } from '../errors.js';
import { type CliIo, writeLine } from '../io.js';
import { decodePasted } from '../payload.js';
import { summarizeSdp } from '../sdp-summary.js';
import { loadDeviceState } from '../state.js';
import { ECHO_CHANNEL } from './listen.js';

const REPLY_TIMEOUT_MS = 10_000;

/** The `paste` subcommand. */
export const pasteCommand: Command = {
  name: 'paste',
  summary: 'connect from a pasted card / pairing card QR text (or describe other QR texts)',
  usage: `usage: lanrtc paste [TEXT] [options]

TEXT is a QR text (LR1:…) — a card, a pairing card or an offer — or a base64url card; without TEXT
it is read from stdin (the whole output of \`lanrtc card\` may be pasted). A card or pairing card
connects directly to the device (pairing card: pairs in-band with its one-time secret; card: the
device must already trust this identity), opens channel "${ECHO_CHANNEL}", sends each --message
(or, with TEXT given, each stdin line) and prints "reply: …" for each answer.

options:
  --message MSG    send MSG, repeatable (default: stdin lines when TEXT is given)
  --address ADDR   local address for ICE (default: every non-internal IPv4 address)
${COMMON_USAGE}`,
  options: { message: { type: 'string', multiple: true }, address: { type: 'string' } },
  maxPositionals: 1,
  async run(parsed, io) {
    const given = parsed.positionals[0];
    const text = given ?? (await readAll(io.stdin));
    if (text.trim() === '') throw new UsageError('nothing to paste: give TEXT or pipe it to stdin', 'paste');
    const payload = decodePasted(text);
    if (payload.kind === 'offer') {
      writeLine(
        io.stdout,
        `offer (browser↔browser QR signalling)${payload.secret ? ' with a pairing secret' : ''}`,
      );
      for (const line of summarizeSdp(payload.description)) writeLine(io.stdout, `  ${line}`);
      return 0;
    }
    writeLine(io.stdout, payload.kind === 'pairing-card' ? 'pairing card' : 'card');
    for (const line of describeCard(payload.card)) writeLine(io.stdout, `  ${line}`);

    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    const trust = await createFileTrustStore({ dir: state.dir });
    const address = stringValue(parsed, 'address');
    const connection = await connectDirect(payload.card, {
      identity: state.identity,
      certificate: state.certificate,
      trust,
      ...(payload.kind === 'pairing-card' ? { pairing: { kind: 'secret', secret: payload.secret } } : {}),
      ...(address ? { peer: { interfaceAddresses: [address] } } : {}),
      signal: io.signal,
    });
    try {
      writeLine(
        io.stdout,
        `connected to ${payload.card.name} (${connection.remote.id})${connection.paired ? ', paired now' : ''}`,
      );
      connection.peer.createDataChannel(ECHO_CHANNEL);
      const channel = await connection.peer.channel(ECHO_CHANNEL);
      const replies: string[] = [];
      const waiting: (() => void)[] = [];
      channel.onMessage.subscribe((m) => {
        replies.push(String(m));
        for (const w of waiting.splice(0)) w();
      });
      const messages = listValue(parsed, 'message');
      const lines = messages.length > 0 || given === undefined ? messages : await stdinLines(io);
      for (const message of lines) {
        channel.send(message);
        writeLine(io.stdout, `reply: ${await nextReply(replies, waiting)}`);
      }
    } finally {
      await connection.close();
    }
    return 0;
  },
};

async function stdinLines(io: CliIo): Promise<string[]> {
  if (io.stdin.isTTY) return []; // interactive chat is not implemented: use --message
  return (await readAll(io.stdin)).split(/\r?\n/).filter((l) => l.length > 0);
}

function nextReply(replies: string[], waiting: (() => void)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const take = () => {
      clearTimeout(timer);
      resolve(replies.shift() as string);
    };
    const timer = setTimeout(
      () => reject(new Error(`no reply within ${REPLY_TIMEOUT_MS} ms`)),
      REPLY_TIMEOUT_MS,
    );
    if (replies.length > 0) take();
    else waiting.push(take);
  });
}
