/**
 * Rooms over the in-memory signalling network: real `createLanAgent` agents (pairing, trust,
 * relay-path connect with signed offer/answer) on scripted peers, and the room channels as
 * in-memory pairs the test can pause or cut. The real-stack version is test/lan/rooms*.test.ts.
 */
import { createLanAgent, type LanAgentCore } from '../../src/agent/create-lan-agent.js';
import { createIdentity } from '../../src/identity/identity.js';
import type { RoomChannels, RoomPlatform } from '../../src/room/channel.js';
import { createMemoryRoomChannelPair, type MemoryRoomChannel } from '../../src/room/memory-channel.js';
import { createAgent } from '../../src/session/agent.js';
import type { SessionPeer } from '../../src/session/peer.js';
import { createMemoryNetwork, type MemoryNetwork } from '../../src/transport/memory.js';
import { createMemoryTrustStore } from '../../src/trust/memory.js';
import { fakePeer, fixtureFingerprint } from '../session/fake-peer.js';

/** A scripted peer that knows its signalling session (both ends of a connection share it). */
export type TestPeer = SessionPeer & { readonly session: string; end(state: 'failed' | 'closed'): void };

/** Both ends of one member link's channels, for the test to pause or cut. */
export interface TestLink {
  readonly player: { reliable: MemoryRoomChannel; unreliable: MemoryRoomChannel };
  readonly host: { reliable: MemoryRoomChannel; unreliable: MemoryRoomChannel };
}

/** The in-memory LAN: a signalling network, agents on it, and the room channel pairs by session. */
export interface TestLan {
  readonly net: MemoryNetwork;
  readonly platform: RoomPlatform<TestPeer>;
  /** Links by signalling session, created when a player opens its channels. */
  readonly links: Map<string, TestLink>;
  /** The link the most recent player opened. */
  lastLink(): TestLink;
  /** `mediaOnly`: its offers carry no DataChannel (an app `setup` that adds only media). */
  agent(role: 'host' | 'player', options?: { mediaOnly?: boolean }): LanAgentCore<TestPeer>;
  /** The agent with this id (made by `agent`). */
  agentsById(id: string): LanAgentCore<TestPeer>;
  close(): Promise<void>;
}

/** A fresh in-memory LAN. */
export function createTestLan(): TestLan {
  const net = createMemoryNetwork();
  const links = new Map<string, TestLink>();
  const waiting = new Map<string, (link: TestLink) => void>();
  const agents: LanAgentCore<TestPeer>[] = [];
  const platform: RoomPlatform<TestPeer> = {
    async openChannels(peer) {
      const [pr, hr] = createMemoryRoomChannelPair();
      const [pu, hu] = createMemoryRoomChannelPair();
      const link: TestLink = {
        player: { reliable: pr, unreliable: pu },
        host: { reliable: hr, unreliable: hu },
      };
      links.set(peer.session, link);
      waiting.get(peer.session)?.(link);
      return link.player as RoomChannels;
    },
    async acceptChannels(peer) {
      const ready = links.get(peer.session);
      if (ready) return ready.host;
      return new Promise<RoomChannels>((resolve) => waiting.set(peer.session, (link) => resolve(link.host)));
    },
  };
  return {
    net,
    platform,
    links,
    lastLink() {
      const link = [...links.values()].at(-1);
      if (!link) throw new Error('no link yet');
      return link;
    },
    agentsById(id) {
      const found = agents.find((a) => a.id === id);
      if (!found) throw new Error('no such agent');
      return found;
    },
    agent(role, options = {}) {
      const identity = createIdentity();
      const trust = createMemoryTrustStore();
      // The scripted peers replay captured descriptions: the answerer (host) presents the answer's certificate.
      const fingerprint = fixtureFingerprint(role === 'host' ? 'answer' : 'offer');
      const signalling = createAgent<TestPeer>({
        identity,
        transport: net.connect(identity.id),
        trust,
        fingerprint,
        createPeer: ({ role: r, session }) => {
          const peer = Object.assign(fakePeer(r), { session });
          if (!options.mediaOnly) return peer;
          const described = peer.localDescription;
          return Object.assign(peer, {
            localDescription: () => {
              const d = described();
              return (
                d && { ...d, sdp: d.sdp.replace(/^m=application.*$/gm, 'm=video 9 UDP/TLS/RTP/SAVPF 96') }
              );
            },
          });
        },
        timeoutMs: 3000,
      }).start();
      const unused = () => Promise.reject(new Error('not used here'));
      const agent = createLanAgent<TestPeer>({
        identity,
        fingerprint,
        trust,
        signalling,
        relay: undefined,
        connectDirect: unused,
        createQrOffer: unused,
        answerQrOffer: unused,
        close: async () => {},
      });
      agents.push(agent);
      return agent;
    },
    async close() {
      for (const a of agents.splice(0)) await a.close();
    },
  };
}

/** Wait until `check` holds (polling), or fail with `what` after `ms`. */
export async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
