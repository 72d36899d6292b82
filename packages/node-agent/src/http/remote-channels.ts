/**
 * Every DataChannel with one label that the remote opens on a connection, the ones it opened before
 * anyone asked included (the connection's registry holds the first per label; later ones come
 * through werift's `onDataChannel`).
 */
import type { RTCDataChannel } from 'werift';
import type { NodeConnection } from '../direct/connection.js';

/** Call `listener` once for each `label` channel the remote opens on `connection`; returns the unsubscribe. */
export function onRemoteChannels(
  connection: NodeConnection,
  label: string,
  listener: (channel: RTCDataChannel) => void,
): () => void {
  const seen = new WeakSet<RTCDataChannel>();
  let live = true;
  const offer = (channel: RTCDataChannel) => {
    if (!live || channel.label !== label || seen.has(channel)) return;
    seen.add(channel);
    listener(channel);
  };
  connection.peer.channel(label).then(offer, () => {});
  const sub = connection.peer.pc.onDataChannel.subscribe(offer);
  return () => {
    live = false;
    sub.unSubscribe();
  };
}
