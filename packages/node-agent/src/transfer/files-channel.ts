/**
 * What the public transfer API needs of a werift connection: the `lanrtc-files` control channels the
 * sender opens (one per transfer, each taken by one `receiveFiles`), the addresses this side of the
 * connection uses (where the TLS lane listens by default), and a Node `AbortSignal` for the lanes.
 */
import { isIP } from 'node:net';
import { type AbortSignalLike, TransferCancelledError, TransportClosedError } from '@lanrtc/signal-core';
import { FILES_CHANNEL_LABEL } from '@lanrtc/signal-core/transfer';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import type { NodeConnection } from '../direct/connection.js';

interface ChannelQueue {
  readonly seen: WeakSet<RTCDataChannel>;
  readonly unclaimed: RTCDataChannel[];
  readonly waiting: ((channel: RTCDataChannel) => void)[];
}

// Per peer connection: the files channels the remote opened and no transfer has taken yet.
const queues = new WeakMap<RTCPeerConnection, ChannelQueue>();

function queueOf(connection: NodeConnection): ChannelQueue {
  const { pc } = connection.peer;
  let queue = queues.get(pc);
  if (queue) return queue;
  const q: ChannelQueue = { seen: new WeakSet(), unclaimed: [], waiting: [] };
  queue = q;
  queues.set(pc, q);
  const offer = (channel: RTCDataChannel) => {
    if (channel.label !== FILES_CHANNEL_LABEL || q.seen.has(channel)) return;
    q.seen.add(channel);
    const next = q.waiting.shift();
    if (next) next(channel);
    else q.unclaimed.push(channel);
  };
  // A channel opened before anyone asked is known to the connection's registry (the first per label);
  // the ones after it come through `onDataChannel`.
  connection.peer.channel(FILES_CHANNEL_LABEL).then(offer, () => {});
  pc.onDataChannel.subscribe(offer);
  return q;
}

/**
 * The next `lanrtc-files` channel the remote opened on `connection` that no transfer took yet;
 * rejects with `TransferCancelledError` on `signal`, `TransportClosedError` once the connection ended.
 */
export function nextFilesChannel(
  connection: NodeConnection,
  signal: AbortSignalLike,
): Promise<RTCDataChannel> {
  const queue = queueOf(connection);
  const ready = queue.unclaimed.shift();
  if (ready) return Promise.resolve(ready);
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = () => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
      const at = queue.waiting.indexOf(take);
      if (at >= 0) queue.waiting.splice(at, 1);
    };
    const take = (channel: RTCDataChannel) => {
      stop();
      resolve(channel);
    };
    const onAbort = () => {
      stop();
      reject(new TransferCancelledError('transfer cancelled', { cause: signal.reason }));
    };
    connection.ended.then((reason) => {
      if (settled) return;
      stop();
      reject(new TransportClosedError(`the connection ended (${reason}) before a transfer was offered`));
    });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    queue.waiting.push(take);
  });
}

/** This side's IP addresses on `pc`: the nominated pair's local one, else every host candidate's. */
export function localAddresses(pc: RTCPeerConnection): string[] {
  const nominated = new Set<string>();
  const hosts = new Set<string>();
  for (const transport of pc.iceTransports) {
    const ice = transport.connection;
    const local = ice.nominated?.protocol.localCandidate?.host;
    if (local && isIP(local)) nominated.add(local);
    for (const candidate of ice.localCandidates) if (isIP(candidate.host)) hosts.add(candidate.host);
  }
  return [...(nominated.size > 0 ? nominated : hosts)];
}

/** A Node `AbortSignal` that follows `like` (the lanes take Node's). */
export function nodeSignal(like: AbortSignalLike): AbortSignal {
  if (like instanceof AbortSignal) return like;
  const controller = new AbortController();
  if (like.aborted) controller.abort(like.reason);
  else like.addEventListener('abort', () => controller.abort(like.reason));
  return controller.signal;
}
