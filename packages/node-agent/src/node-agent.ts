/**
 * `createNodeAgent`: the signal-core agent with werift peers, wired once — a pinned DTLS
 * certificate, no STUN/TURN, chosen addresses — so an application only supplies an identity, a
 * certificate, a transport and a trust store.
 */
import {
  type Agent,
  type Connection,
  createAgent,
  createMemoryTrustStore,
  type Identity,
  type LanrtcError,
  type Logger,
  type PeerContext,
  type SignalTransport,
  type TrustStore,
} from '@lanrtc/signal-core';
import { certificateFingerprint, type DtlsCertificate } from './peer/certificate.js';
import { createNodePeer, type NodePeerInit } from './peer/create-node-peer.js';
import { type WeriftSessionPeer, weriftSessionPeer } from './session-peer.js';

/** Label of the DataChannel the offering side opens when the application does not set one up. */
export const DEFAULT_CHANNEL_LABEL = 'lanrtc';

/** Options for `createNodeAgent`. */
export interface NodeAgentInit {
  readonly identity: Identity;
  /** The agent's persistent DTLS certificate (its fingerprint is bound into pairings). */
  readonly certificate: DtlsCertificate;
  readonly transport: SignalTransport;
  /** Known peers; an in-memory store when omitted (nothing survives a restart). */
  readonly trust?: TrustStore;
  /** werift options besides the certificate (addresses, ports, `.local` resolver). */
  readonly peer?: Omit<NodePeerInit, 'certificate'>;
  /**
   * Prepare each new peer connection, e.g. create DataChannels or add tracks on the offering side.
   * Default: the offerer creates one reliable channel labelled `lanrtc`.
   */
  readonly setup?: (peer: WeriftSessionPeer, context: PeerContext) => void;
  readonly onConnection?: (connection: Connection<WeriftSessionPeer>) => void;
  readonly onSessionError?: (error: LanrtcError, remoteId: string | undefined) => void;
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/** A started agent whose connections are werift peers. */
export type NodeAgent = Agent<WeriftSessionPeer>;

/** Create and start a Node agent. */
export function createNodeAgent(init: NodeAgentInit): NodeAgent {
  const setup =
    init.setup ??
    ((peer: WeriftSessionPeer, context: PeerContext) => {
      if (context.role === 'offerer') peer.createDataChannel(DEFAULT_CHANNEL_LABEL);
    });
  return createAgent<WeriftSessionPeer>({
    identity: init.identity,
    transport: init.transport,
    trust: init.trust ?? createMemoryTrustStore(),
    fingerprint: certificateFingerprint(init.certificate),
    createPeer: (context) => {
      const peer = weriftSessionPeer(createNodePeer({ ...init.peer, certificate: init.certificate }));
      setup(peer, context);
      return peer;
    },
    ...(init.onConnection ? { onConnection: init.onConnection } : {}),
    ...(init.onSessionError ? { onSessionError: init.onSessionError } : {}),
    ...(init.timeoutMs !== undefined ? { timeoutMs: init.timeoutMs } : {}),
    ...(init.logger ? { logger: init.logger } : {}),
  }).start();
}
