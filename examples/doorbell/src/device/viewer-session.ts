/**
 * One connected viewer: the source's video and audio on its connection, the `doorbell` channel it
 * opens (hello, past rings, live rings, viewer counts), and its talk-back recorded to a file. Ends
 * with the connection; a viewer that leaves never disturbs the others (its tracks are removed from
 * the one encoder, nothing else).
 */
import { join } from 'node:path';
import { type MediaSource, type NodeConnection, playTrack, recordTrack } from '@lanrtc/node-agent';
import type { MediaStreamTrack, RTCDataChannel } from 'werift';
import {
  type DeviceMessage,
  DOORBELL_CHANNEL,
  decodeDoorbellMessage,
  encodeDoorbellMessage,
  snapshotChunks,
} from '../shared/messages.js';
import type { Ring } from './rings.js';

/** What happens to a viewer's voice. */
export type TalkbackMode = 'auto' | 'play' | 'record';

/** What a session tells the doorbell. */
export type ViewerEvent =
  | { readonly kind: 'talk'; readonly on: boolean }
  /** Talk-back goes to `to`: a recording's path, or the audio output playing it. */
  | { readonly kind: 'talkback'; readonly to: string; readonly played: boolean }
  | { readonly kind: 'talkback-failed'; readonly error: Error }
  | { readonly kind: 'bad-frame'; readonly error: Error };

/** Options of `startViewerSession`. */
export interface ViewerSessionInit {
  readonly source: MediaSource;
  readonly name: string;
  /** The doorbell's current card text (sent in hello). */
  readonly card: () => string;
  readonly history: () => readonly Ring[];
  /** How many viewers are watching now (sent after hello, then on every change). */
  readonly watching: () => number;
  /** Where talk-back recordings go (`<viewer id>-<time>.ogg`). */
  readonly talkbackDir: string;
  /** `play` through the speaker, `record` to a file, `auto`: record, and play too when an audio output opens. */
  readonly talkback: TalkbackMode;
  readonly onEvent: (event: ViewerEvent) => void;
}

/** A viewer being served. */
export interface ViewerSession {
  readonly connection: NodeConnection;
  /** Send a ring now; false when the viewer has not opened its channel yet (the history has the ring for it). */
  ring(ring: Ring): boolean;
  /** Tell the viewer how many are watching. */
  viewers(count: number): void;
  /** Stop serving and close the connection. */
  close(): Promise<void>;
}

/** Serve `connection` until it ends. */
export function startViewerSession(connection: NodeConnection, init: ViewerSessionInit): ViewerSession {
  const media = init.source.addTo(connection.peer.pc);
  const outputs: Promise<{ close(): Promise<void> }>[] = [];
  // werift may announce one remote track more than once (each renegotiation that keeps it): take it once.
  const taken = new Set<string>();
  const trackSub = connection.peer.pc.onTrack.subscribe((track) => {
    const key = `${track.id ?? ''}/${track.ssrc ?? ''}`;
    if (track.kind !== 'audio' || taken.has(key)) return;
    taken.add(key);
    outputs.push(takeTalkback(track, connection.remote.id, init));
  });
  let channel: RTCDataChannel | undefined;
  const send = (message: DeviceMessage) => channel?.send(encodeDoorbellMessage(message));
  const sendRing = (ring: Ring, past: boolean) => {
    const open = channel;
    if (open?.readyState !== 'open') return false;
    const jpeg = ring.jpeg ?? new Uint8Array();
    send({ v: 1, t: 'ring', id: ring.id, at: ring.at, size: jpeg.length, past });
    for (const chunk of snapshotChunks(jpeg))
      open.send(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    return true;
  };
  // Rings reach the viewer once it opened the `doorbell` channel and got its hello.
  void connection.peer.channel(DOORBELL_CHANNEL).then(
    (open) => {
      channel = open;
      open.onMessage.subscribe((data) => {
        if (typeof data !== 'string')
          return init.onEvent({ kind: 'bad-frame', error: new TypeError('binary frame') });
        try {
          const message = decodeDoorbellMessage(data);
          if (message.t === 'talk') init.onEvent({ kind: 'talk', on: message.on });
          else
            init.onEvent({
              kind: 'bad-frame',
              error: new TypeError(`"${message.t}" is the doorbell's to send`),
            });
        } catch (error) {
          init.onEvent({ kind: 'bad-frame', error: error as Error });
        }
      });
      const history = init.history();
      send({ v: 1, t: 'hello', name: init.name, card: init.card(), history: history.length });
      for (const ring of history) sendRing(ring, true);
      send({ v: 1, t: 'viewers', count: init.watching() });
      return true;
    },
    () => false, // the viewer left before opening it
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      trackSub.unSubscribe();
      media.close();
      const open = await Promise.all(outputs);
      await Promise.all(open.map((o) => o.close().catch(() => undefined)));
      await connection.close();
    })();
    return closing;
  };
  void connection.ended.then(close);
  return {
    connection,
    ring: (ring) => sendRing(ring, false),
    viewers: (count) => {
      if (channel?.readyState === 'open') send({ v: 1, t: 'viewers', count });
    },
    close,
  };
}

/**
 * Play and/or record one talk-back track, as `init.talkback` says (`auto` records and also plays
 * when an output opens: probing outputs takes a moment, and a recording started at once loses
 * nothing meanwhile). A failure is reported, never thrown.
 */
async function takeTalkback(
  track: MediaStreamTrack,
  viewerId: string,
  init: ViewerSessionInit,
): Promise<{ close(): Promise<void> }> {
  const report = <T>(what: Promise<T>, to: (value: T) => { to: string; played: boolean }) =>
    what.then(
      (value) => {
        init.onEvent({ kind: 'talkback', ...to(value) });
        return value;
      },
      (error: Error) => {
        init.onEvent({ kind: 'talkback-failed', error });
        return undefined;
      },
    );
  const file = join(init.talkbackDir, `${viewerId.slice(0, 8)}-${stamp()}.ogg`);
  const taking = [
    init.talkback === 'play'
      ? undefined
      : report(recordTrack(track, { path: file }), () => ({ to: file, played: false })),
    init.talkback === 'record'
      ? undefined
      : report(playTrack(track), (p) => ({ to: `${p.output.kind} ${p.output.device}`, played: true })),
  ];
  const taken = await Promise.all(taking);
  return { close: async () => void (await Promise.all(taken.map((t) => t?.close()))) };
}

/** A file-name-safe local time stamp, `20261207-143005`. */
function stamp(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}
