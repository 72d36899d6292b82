/**
 * Reaching a device through the relay its card names (a card with no direct candidates): a node
 * agent (`createNodeAgent`) that logs into that relay with this identity, pairs by PIN when asked, and connect by the card's identity id. A `.local` relay
 * host is resolved over mDNS first (the relay card names its mDNS host, RFC 6762 §6.2).
 */
import { createResolver } from '@lanrtc/mdns-announcer';
import { createNodeAgent, type WeriftSessionPeer } from '@lanrtc/node-agent';
import type { Card, PairingMode, TrustStore } from '@lanrtc/signal-core';
import { relayUrl } from './device-card.js';
import type { DeviceState } from './state.js';

/** A connection made through a relay, closed together with the agent and the relay login. */
export interface RelayPathConnection {
  readonly remote: { readonly id: string };
  readonly paired: boolean;
  readonly peer: WeriftSessionPeer;
  /** The relay URL dialled. */
  readonly url: string;
  close(): Promise<void>;
}

/** Options of `connectThroughRelay`. */
export interface RelayPathInit {
  readonly state: DeviceState;
  readonly trust: TrustStore;
  readonly pairing?: PairingMode;
  /** Local IP address for ICE and for resolving a `.local` relay host. */
  readonly address?: string;
  readonly timeoutMs: number;
}

/** Connect to the device behind `card` (which names a relay) through that relay. */
export async function connectThroughRelay(card: Card, init: RelayPathInit): Promise<RelayPathConnection> {
  const relay = card.relay;
  if (!relay) throw new TypeError('card names no relay');
  let host = relay.host;
  if (/\.local\.?$/i.test(host)) {
    const resolver = await createResolver(init.address !== undefined ? { interfaces: [init.address] } : {});
    try {
      host = (await resolver.resolve(host)).ipv4[0] ?? host;
    } finally {
      await resolver.close();
    }
  }
  const url = relayUrl({ ...relay, host });
  const agent = await createNodeAgent({
    identity: init.state.identity,
    certificate: init.state.certificate,
    relay: { url, reconnect: false },
    trust: init.trust,
    ...(init.address !== undefined ? { peer: { interfaceAddresses: [init.address] } } : {}),
    timeoutMs: init.timeoutMs,
  });
  const closeAll = () => agent.close();
  try {
    let paired = false;
    if (init.pairing) {
      await agent.pair(card.id, init.pairing);
      paired = true;
    }
    const connection = await agent.connect(card.id);
    return {
      remote: connection.remote,
      paired,
      peer: connection.peer,
      url,
      close: async () => {
        await connection.close();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
