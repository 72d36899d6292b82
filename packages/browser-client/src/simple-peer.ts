/**
 * `@lanrtc/browser-client/simple-peer`: a simple-peer–shaped view of an authenticated lanrtc
 * connection, for apps that already talk to simple-peer (unmaintained; the maintained fork is
 * `@thaunknown/simple-peer`) after signalling. Signalling, verification and renegotiation stay
 * lanrtc's: there is no `signal()`. A separate entry point, so apps that do not import it do not
 * bundle it.
 *
 * Data goes over one DataChannel, by default the connection's `lanrtc` channel (created by the
 * offerer; the answerer receives it through `datachannel`, which `browserSessionPeer` tracks from
 * the start, so `peer.channel(label)` covers both). Messages that arrive while nobody listens to
 * `data` are held, bounded, and handed to the first `data` listener in order, as simple-peer's
 * paused Readable does; past the bound the adapter is destroyed with `HeldMessagesOverflowError`
 * instead of losing a message silently.
 */
import {
  type Connection,
  DEFAULT_CHANNEL_LABEL,
  InvalidArgumentError,
  LanrtcError,
  PeerRejectedError,
  TransportClosedError,
} from '@lanrtc/signal-core';
import type { BrowserSessionPeer } from './session-peer.js';

/** Default bound on messages held while there is no `data` listener (as signal-core's early buffer). */
export const SIMPLE_PEER_MAX_HELD_MESSAGES = 1024;

/** `signal()` was called: lanrtc signals (signed, over the relay or in-band), the app never relays SDP. */
export class SignalUnsupportedError extends LanrtcError {
  static override readonly code = 'SignalUnsupportedError';
}

/** More messages arrived while nobody listened to `data` than the adapter holds (`maxHeldMessages`). */
export class HeldMessagesOverflowError extends LanrtcError {
  static override readonly code = 'HeldMessagesOverflowError';
}

/** What the adapter wraps: a browser agent's connection, by any path (media needs the relay path). */
export type SimplePeerConnection = Connection<BrowserSessionPeer>;

/** Options of `toSimplePeer`. */
export interface SimplePeerInit {
  /** Label of the DataChannel to use (default `lanrtc`, the one the browser agent's offerer opens). */
  readonly channelLabel?: string;
  /**
   * Create the channel on this side (exactly one side may): for a direct connection, which has no
   * default channel, or an agent `setup` that opens none. Default false: wait for it, local or remote.
   */
  readonly createChannel?: boolean;
  /** Messages held while there is no `data` listener before the adapter gives up (default 1024). */
  readonly maxHeldMessages?: number;
}

/** What `send` takes (what `RTCDataChannel.send` takes). */
export type SimplePeerData = string | ArrayBuffer | ArrayBufferView | Blob;

/** The events and their listeners, as simple-peer names them. */
export interface SimplePeerEvents {
  /** The DataChannel is open; emitted once, asynchronously, before any `data`. */
  connect: () => void;
  /** A message: `string` for a text message, `Uint8Array` for a binary one. */
  data: (data: string | Uint8Array) => void;
  /** A remote stream seen for the first time (its first track). */
  stream: (stream: MediaStream) => void;
  /** A remote track, with the stream it belongs to (one event per stream). */
  track: (track: MediaStreamTrack, stream: MediaStream) => void;
  /** The adapter is destroyed (by `destroy`, the peer, or a failure); after `error` if there was one. */
  close: () => void;
  /** What destroyed the adapter; always followed by `close`. */
  error: (error: Error) => void;
}

/** The part of a simple-peer instance an app uses after signalling. */
export interface SimplePeerAdapter {
  /** The wrapped lanrtc connection. */
  readonly connection: SimplePeerConnection;
  /** True from `connect` until destroyed. */
  readonly connected: boolean;
  readonly destroyed: boolean;
  on<E extends keyof SimplePeerEvents>(event: E, listener: SimplePeerEvents[E]): SimplePeerAdapter;
  once<E extends keyof SimplePeerEvents>(event: E, listener: SimplePeerEvents[E]): SimplePeerAdapter;
  off<E extends keyof SimplePeerEvents>(event: E, listener: SimplePeerEvents[E]): SimplePeerAdapter;
  removeListener<E extends keyof SimplePeerEvents>(
    event: E,
    listener: SimplePeerEvents[E],
  ): SimplePeerAdapter;
  /** Send on the channel; queued until `connect`. `TransportClosedError` once destroyed. */
  send(data: SimplePeerData): void;
  /** Add every track of `stream` (`addTrack` for each). */
  addStream(stream: MediaStream): void;
  /** Add a track; the connection renegotiates by itself. `InvalidArgumentError` if already added with `stream`. */
  addTrack(track: MediaStreamTrack, stream: MediaStream): void;
  /** Stop sending a track added with `stream`; `InvalidArgumentError` if it was not. */
  removeTrack(track: MediaStreamTrack, stream: MediaStream): void;
  /** Always throws `SignalUnsupportedError`: lanrtc does the signalling. */
  signal(data?: unknown): never;
  /** Close the connection and emit `error` (with `error`) and `close`, once; later calls do nothing. */
  destroy(error?: Error): void;
}

type Listener = (...args: never[]) => void;
type Emit = <E extends keyof SimplePeerEvents>(event: E, ...args: Parameters<SimplePeerEvents[E]>) => void;

/** Wrap an authenticated connection (from `agent.connect`, `onConnection` or direct connect). */
export function toSimplePeer(connection: SimplePeerConnection, init: SimplePeerInit = {}): SimplePeerAdapter {
  const label = init.channelLabel ?? DEFAULT_CHANNEL_LABEL;
  const maxHeld = init.maxHeldMessages ?? SIMPLE_PEER_MAX_HELD_MESSAGES;
  if (!Number.isInteger(maxHeld) || maxHeld < 0) {
    throw new InvalidArgumentError('maxHeldMessages must be a non-negative integer');
  }
  const { pc } = connection.peer;
  const listeners = new Map<keyof SimplePeerEvents, { fn: Listener; once: boolean }[]>();
  const held: (string | Uint8Array)[] = [];
  const unsent: SimplePeerData[] = [];
  const senders = new Map<MediaStreamTrack, Map<MediaStream, RTCRtpSender>>();
  const remoteStreams = new Set<string>();
  let channel: RTCDataChannel | undefined;
  let connected = false;
  let destroyed = false;
  let flushing = false;

  const emit: Emit = (event, ...args) => {
    const list = listeners.get(event) ?? [];
    if (event === 'error' && list.length === 0) {
      // As Node's EventEmitter: an unhandled `error` is not swallowed (the page's `error` event).
      reportError(args[0]);
      return;
    }
    for (const entry of [...list]) {
      if (entry.once) remove(event, entry.fn);
      (entry.fn as (...a: unknown[]) => void)(...args);
    }
  };
  const remove = (event: keyof SimplePeerEvents, fn: Listener) => {
    const list = listeners.get(event);
    const at = list?.findIndex((e) => e.fn === fn) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
  };
  const listening = () => (listeners.get('data')?.length ?? 0) > 0;

  /** Hand held messages to `data` listeners, in a microtask (after the `on` call that asked for them). */
  const deliverHeld = () => {
    if (flushing || held.length === 0) return;
    flushing = true;
    queueMicrotask(() => {
      flushing = false;
      while (held.length > 0 && connected && listening()) emit('data', held.shift() as string | Uint8Array);
    });
  };
  const onMessage = (event: MessageEvent) => {
    if (destroyed) return;
    const data: unknown = event.data;
    const message = typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer);
    if (held.length === 0 && connected && listening()) return emit('data', message);
    if (held.length >= maxHeld) {
      return destroy(
        new HeldMessagesOverflowError(`more than ${maxHeld} messages arrived with no data listener`),
      );
    }
    held.push(message);
  };
  const onChannelClose = () => destroy();
  const onState = () => {
    if (pc.connectionState === 'failed') destroy(new TransportClosedError('peer connection failed'));
    else if (pc.connectionState === 'closed') destroy();
  };
  const onTrack = (event: RTCTrackEvent) => {
    if (destroyed) return;
    // A track sent without a stream (no a=msid): simple-peer ignores it; here it gets a stream of its own.
    const streams = event.streams.length > 0 ? event.streams : [new MediaStream([event.track])];
    for (const stream of streams) {
      emit('track', event.track, stream);
      if (remoteStreams.has(stream.id)) continue;
      remoteStreams.add(stream.id);
      queueMicrotask(() => !destroyed && emit('stream', stream));
    }
  };

  pc.addEventListener('track', onTrack);
  pc.addEventListener('connectionstatechange', onState);
  if (init.createChannel) connection.peer.createDataChannel(label);
  connection.peer.channel(label).then(
    (open) => {
      if (destroyed) return;
      channel = open;
      open.binaryType = 'arraybuffer';
      // The first `message` listener also gets what `browserSessionPeer` held before this (a microtask later).
      open.addEventListener('message', onMessage);
      open.addEventListener('close', onChannelClose);
      for (const data of unsent.splice(0)) sendNow(open, data);
      connected = true;
      emit('connect');
      if (!destroyed && listening()) deliverHeld();
    },
    (error: unknown) => destroy(asError(error)),
  );
  connection.ended.then(
    (reason) => {
      if (reason === 'closed' || reason === 'peer-closed') destroy();
      else if (reason === 'failed') destroy(new TransportClosedError('peer connection failed'));
      else destroy(new PeerRejectedError(`connection ended: ${reason}`, reason));
    },
    (error: unknown) => destroy(asError(error)),
  );

  const media = () => {
    if (destroyed) throw new TransportClosedError('the simple-peer adapter is destroyed');
  };
  const addTrack = (track: MediaStreamTrack, stream: MediaStream) => {
    media();
    const byStream = senders.get(track) ?? new Map<MediaStream, RTCRtpSender>();
    if (byStream.has(stream)) throw new InvalidArgumentError('track already added with this stream');
    // `negotiationneeded` follows; the connection renegotiates by itself (relay session or auth channel).
    byStream.set(stream, pc.addTrack(track, stream));
    senders.set(track, byStream);
  };

  function destroy(error?: Error): void {
    if (destroyed) return;
    destroyed = true;
    connected = false;
    held.length = 0;
    unsent.length = 0;
    pc.removeEventListener('track', onTrack);
    pc.removeEventListener('connectionstatechange', onState);
    channel?.removeEventListener('message', onMessage);
    channel?.removeEventListener('close', onChannelClose);
    // Closing an already closed connection is a no-op; a failure to say `bye` changes nothing here.
    connection.close().catch(() => {});
    queueMicrotask(() => {
      if (error) emit('error', error);
      emit('close');
    });
  }

  const adapter: SimplePeerAdapter = {
    connection,
    get connected() {
      return connected;
    },
    get destroyed() {
      return destroyed;
    },
    on(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), { fn: listener, once: false }]);
      if (event === 'data') deliverHeld();
      return adapter;
    },
    once(event, listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), { fn: listener, once: true }]);
      if (event === 'data') deliverHeld();
      return adapter;
    },
    off(event, listener) {
      remove(event, listener);
      return adapter;
    },
    removeListener(event, listener) {
      remove(event, listener);
      return adapter;
    },
    send(data) {
      if (destroyed) throw new TransportClosedError('cannot send after the simple-peer adapter is destroyed');
      if (channel) sendNow(channel, data);
      else unsent.push(data);
    },
    addStream(stream) {
      for (const track of stream.getTracks()) addTrack(track, stream);
    },
    addTrack,
    removeTrack(track, stream) {
      media();
      const sender = senders.get(track)?.get(stream);
      if (!sender) throw new InvalidArgumentError('track was not added with this stream');
      pc.removeTrack(sender);
      senders.get(track)?.delete(stream);
    },
    signal() {
      throw new SignalUnsupportedError(
        'signal() is not supported: lanrtc signals the connection itself (signed, over the relay or in-band)',
      );
    },
    destroy,
  };
  return adapter;
}

/** `RTCDataChannel.send`'s overloads, chosen by the value's type. */
function sendNow(channel: RTCDataChannel, data: SimplePeerData): void {
  if (typeof data === 'string') channel.send(data);
  else if (data instanceof Blob) channel.send(data);
  else if (data instanceof ArrayBuffer) channel.send(data);
  else channel.send(data as ArrayBufferView<ArrayBuffer>);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new TransportClosedError(String(error));
}
