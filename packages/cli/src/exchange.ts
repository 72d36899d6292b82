/**
 * The connecting side of the echo demo: open channel `lanrtc`, send each message, print each reply
 * (`reply: …`, the peer's bytes with control characters made visible).
 */
import type { WeriftSessionPeer } from '@lanrtc/node-agent';
import { SessionTimeoutError } from '@lanrtc/signal-core';
import { type CliIo, writeLine } from './io.js';
import { printable } from './printable.js';

/** Label of the demo echo channel. */
export const ECHO_CHANNEL = 'lanrtc';
const REPLY_TIMEOUT_MS = 10_000;

/**
 * Send `lines` one by one on channel `lanrtc`, printing the reply to each before the next; the
 * channel is created here unless the connection came with it (`open`).
 */
export async function exchange(
  connection: { readonly peer: WeriftSessionPeer },
  lines: readonly string[],
  io: CliIo,
  open = false,
): Promise<void> {
  if (!open) connection.peer.createDataChannel(ECHO_CHANNEL);
  const channel = await connection.peer.channel(ECHO_CHANNEL);
  const replies: string[] = [];
  const waiting: (() => void)[] = [];
  channel.onMessage.subscribe((m) => {
    replies.push(String(m));
    for (const w of waiting.splice(0)) w();
  });
  for (const message of lines) {
    channel.send(message);
    // The peer's bytes, not ours: escape sequences in them must not reach the terminal.
    writeLine(io.stdout, `reply: ${printable(await nextReply(replies, waiting))}`);
  }
}

function nextReply(replies: string[], waiting: (() => void)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const take = () => {
      clearTimeout(timer);
      resolve(replies.shift() as string);
    };
    const timer = setTimeout(
      () => reject(new SessionTimeoutError(`no reply within ${REPLY_TIMEOUT_MS} ms`)),
      REPLY_TIMEOUT_MS,
    );
    if (replies.length > 0) take();
    else waiting.push(take);
  });
}
