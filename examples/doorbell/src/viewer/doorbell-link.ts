/**
 * One doorbell, kept connected: open an authenticated connection (relay or direct — the caller
 * says how), collect the doorbell's media tracks, open the `doorbell` channel, and when the
 * connection ends or cannot be made, retry with exponential backoff (1 s doubling to 30 s) until
 * closed. A doorbell that does not know this viewer (`NotPairedError`, also as the device's
 * rejection reason) is not retried: the app asks for pairing instead.
 */
import type { BrowserConnection } from '@lanrtc/browser-client';
import { type ChannelHandlers, type DoorbellChannel, openDoorbellChannel } from './doorbell-channel.js';
import { collectTracks } from './tracks.js';

/** Where the link is: `unreachable` = the last attempt failed (a retry is scheduled); `unpaired` = stopped. */
export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'unreachable' | 'unpaired' | 'closed';

/** How to reach the doorbell, and what to do with what arrives. */
export interface LinkInit extends ChannelHandlers {
  /** Connect once; `signal` aborts an attempt that a newer one (retry now, close) replaced. */
  open(signal: AbortSignal): Promise<BrowserConnection>;
  state(state: LinkState, error?: Error): void;
  /** The doorbell's media (video and audio) for this connection. */
  stream(stream: MediaStream): void;
}

/** A running link. */
export interface DoorbellLink {
  readonly state: LinkState;
  readonly connection: BrowserConnection | undefined;
  /** When the next automatic attempt runs (`Date.now()` ms), while unreachable. */
  readonly retryAt: number | undefined;
  readonly lastError: Error | undefined;
  retryNow(): void;
  send: DoorbellChannel['send'];
  close(): Promise<void>;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/** True for an error that means "pair first" (a retry would fail the same way). */
export function needsPairing(error: unknown): boolean {
  const e = error as { name?: string; reason?: string } | undefined;
  return e?.name === 'NotPairedError' || (e?.name === 'PeerRejectedError' && e.reason === 'NotPairedError');
}

/** Start connecting at once; the link keeps trying until `close()`. */
export function createDoorbellLink(init: LinkInit): DoorbellLink {
  let state: LinkState = 'connecting';
  let connection: BrowserConnection | undefined;
  let channel: DoorbellChannel | undefined;
  let lastError: Error | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retryAt: number | undefined;
  let delay = FIRST_RETRY_MS;
  let attempt = 0;
  let pending: AbortController | undefined;

  const set = (next: LinkState, error?: Error) => {
    state = next;
    if (error) lastError = error;
    init.state(next, error);
  };

  const schedule = () => {
    retryAt = Date.now() + delay;
    timer = setTimeout(() => void run(), delay);
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  };

  const run = async () => {
    timer = undefined;
    retryAt = undefined;
    const mine = ++attempt;
    // One attempt at a time: a doorbell limits the sessions pending per address.
    pending?.abort(new Error('replaced by a newer attempt'));
    const controller = new AbortController();
    pending = controller;
    let c: BrowserConnection;
    try {
      c = await init.open(controller.signal);
    } catch (error) {
      if (mine !== attempt || state === 'closed') return;
      const e = error instanceof Error ? error : new Error(String(error));
      if (needsPairing(e)) return set('unpaired', e);
      schedule();
      return set('unreachable', e);
    }
    if (mine !== attempt || state === 'closed') return void c.close();
    connection = c;
    delay = FIRST_RETRY_MS;
    collectTracks(c.peer.pc, init.stream);
    channel = openDoorbellChannel(c.peer, init);
    set('live');
    void c.ended.then((reason) => {
      if (connection !== c || state === 'closed') return;
      connection = undefined;
      channel = undefined;
      set('reconnecting', new Error(`connection ended: ${reason}`));
      void run();
    });
  };

  void run();
  return {
    get state() {
      return state;
    },
    get connection() {
      return connection;
    },
    get retryAt() {
      return retryAt;
    },
    get lastError() {
      return lastError;
    },
    retryNow() {
      if (state === 'live' || state === 'closed') return;
      if (timer) clearTimeout(timer);
      delay = FIRST_RETRY_MS;
      set(state === 'unpaired' ? 'connecting' : state === 'unreachable' ? 'reconnecting' : state);
      void run();
    },
    send: (message) => channel?.send(message),
    async close() {
      if (timer) clearTimeout(timer);
      pending?.abort(new Error('closed'));
      set('closed');
      channel?.close();
      await connection?.close();
      connection = undefined;
    },
  };
}
