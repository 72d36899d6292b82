/**
 * The relay-path peer factory both platforms give the signalling agent: make a peer connection, let
 * the application prepare it (`setup`; by default the offerer opens the `lanrtc` channel), and close
 * it again if the application's setup throws — nothing else would ever close it.
 */

import type { SessionPeer } from '../session/peer.js';
import type { PeerContext } from '../session/types.js';
import { DEFAULT_CHANNEL_LABEL } from './connection.js';

/** A peer the default setup can open a DataChannel on. */
export interface ChannelPeer extends SessionPeer {
  createDataChannel(label: string): unknown;
}

/** `createPeer` for `createAgent`: `make()` a peer, run `setup` on it, close it if that throws. */
export function setupPeerFactory<P extends ChannelPeer>(
  make: () => P,
  setup?: (peer: P, context: PeerContext) => void,
): (context: PeerContext) => P {
  const prepare =
    setup ??
    ((peer: P, context: PeerContext) => {
      if (context.role === 'offerer') peer.createDataChannel(DEFAULT_CHANNEL_LABEL);
    });
  return (context) => {
    const peer = make();
    try {
      prepare(peer, context);
    } catch (error) {
      peer.close();
      throw error;
    }
    return peer;
  };
}
