/**
 * `createNodeAgent`: a lanrtc agent on Node — identity, DTLS certificate and trust store loaded from
 * a config directory (or given), werift peers wired once (a pinned certificate, no STUN/TURN, chosen
 * addresses), and every path from one object: relay, direct connect from a card, QR codes, and the
 * device side of direct connect (`listenDirect`). Same shape as browser-client's `createBrowserAgent`.
 */
import { connectRelay, type NodeRelayClientInit } from '@lanrtc/relay';
import {
  createMemoryTrustStore,
  type Identity,
  InvalidArgumentError,
  type LanAgent,
  LanrtcError,
  type Logger,
  type PeerContext,
  type RelayConnection,
  type SignalTransport,
  TransportClosedError,
  type TrustStore,
} from '@lanrtc/signal-core';
import { createAgent, createLanAgent, setupPeerFactory } from '@lanrtc/signal-core/session';
import { connectDirect } from './direct/connect.js';
import { createDirectListener, type DirectListener, type DirectListenerInit } from './direct/listener.js';
import { certificateFingerprint, type DtlsCertificate } from './peer/certificate.js';
import { createNodePeer, type NodePeerInit } from './peer/create-node-peer.js';
import { answerQrOffer } from './qr/answer.js';
import { createQrOffer } from './qr/offer.js';
import { type WeriftSessionPeer, weriftSessionPeer } from './session-peer.js';
import { defaultConfigDir } from './store/config-dir.js';
import { loadOrCreateNodeIdentity } from './store/identity-file.js';
import { createFileTrustStore } from './store/trust-file.js';

/**
 * A relay to log into with the agent's identity: @lanrtc/relay `connectRelay`'s options without
 * `identity` (a `.local` relay host, as cards announce it, is resolved over mDNS).
 */
export type NodeRelayOptions = Omit<NodeRelayClientInit, 'identity'>;

/** Options of `createNodeAgent`; everything is optional. */
export interface NodeAgentInit {
  /**
   * Directory holding `identity.json` and `trust.json` (default `defaultConfigDir()`, i.e.
   * `~/.config/lanrtc`), created on first use. Used unless `identity` + `certificate` are given;
   * the trust store lives there too unless `trust` is given.
   */
  readonly config?: string;
  /** Use this identity instead of the config directory's (with `certificate`); trust is then in memory unless given. */
  readonly identity?: Identity;
  /** The DTLS certificate that goes with `identity` (its fingerprint is bound into pairings). */
  readonly certificate?: DtlsCertificate;
  /** Known peers (default: `trust.json` in the config directory, or in memory when `identity` is given). */
  readonly trust?: TrustStore;
  /** Log into this relay (`ws://host:port/`, or options); it is redialled when lost. */
  readonly relay?: string | NodeRelayOptions;
  /** Any other signalling path (instead of `relay`), or a factory given this agent's identity id. */
  readonly transport?: SignalTransport | ((id: string) => SignalTransport | Promise<SignalTransport>);
  /** werift options besides the certificate (addresses, ports, `.local` resolver), for every connection. */
  readonly peer?: Omit<NodePeerInit, 'certificate' | 'iceLite'>;
  /**
   * Prepare each relay-path peer connection, e.g. create DataChannels or add tracks on the offering
   * side. Default: the offerer creates one reliable channel labelled `lanrtc`.
   */
  readonly setup?: (peer: WeriftSessionPeer, context: PeerContext) => void;
  /** Deadline of each relay signalling step (default 15 s). */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/** What `listenDirect` needs beyond the agent's identity, certificate, trust and pairing window. */
export type ListenDirectInit = Omit<DirectListenerInit, 'identity' | 'certificate' | 'trust' | 'pairing'>;

/** A Node agent: the common `LanAgent` shape plus the device side of direct connect. */
export interface NodeAgent extends LanAgent<WeriftSessionPeer> {
  /**
   * Listen for direct connects on a UDP port with a signed card (publish `listener.cardBytes()` over
   * mDNS or `listener.cardText()` as a QR code); its peers arrive at `onConnection`, and
   * `showPin` / `acceptCompare` windows apply to it. Closed with the agent.
   */
  listenDirect(init: ListenDirectInit): Promise<DirectListener>;
}

/** Load (or create) identity, certificate and trust, log into the relay if any, and start an agent. */
export async function createNodeAgent(init: NodeAgentInit = {}): Promise<NodeAgent> {
  if (init.relay !== undefined && init.transport !== undefined) {
    throw new InvalidArgumentError('createNodeAgent takes `relay` or `transport`, not both');
  }
  if ((init.identity === undefined) !== (init.certificate === undefined)) {
    throw new InvalidArgumentError('createNodeAgent needs `identity` and `certificate` together');
  }
  const dir = init.config ?? defaultConfigDir();
  const { identity, certificate } =
    init.identity && init.certificate
      ? { identity: init.identity, certificate: init.certificate }
      : await loadOrCreateNodeIdentity({ dir });
  const trust =
    init.trust ?? (init.identity ? createMemoryTrustStore() : await createFileTrustStore({ dir }));
  const fingerprint = certificateFingerprint(certificate);

  let relay: RelayConnection | undefined;
  let transport: SignalTransport | undefined;
  if (init.relay !== undefined) {
    const options: NodeRelayOptions = typeof init.relay === 'string' ? { url: init.relay } : init.relay;
    relay = await connectRelay({ reconnect: true, ...options, identity });
    transport = relay;
  } else if (typeof init.transport === 'function') transport = await init.transport(identity.id);
  else transport = init.transport;

  const signalling = transport
    ? createAgent<WeriftSessionPeer>({
        identity,
        transport,
        trust,
        fingerprint,
        createPeer: setupPeerFactory(
          () => weriftSessionPeer(createNodePeer({ ...init.peer, certificate })),
          init.setup,
        ),
        ...(init.timeoutMs !== undefined ? { timeoutMs: init.timeoutMs } : {}),
        ...(init.logger ? { logger: init.logger } : {}),
      }).start()
    : undefined;

  const listeners = new Set<DirectListener>();
  let closed = false;
  const peer = init.peer ? { peer: init.peer } : {};
  const core = createLanAgent<WeriftSessionPeer>({
    identity,
    fingerprint,
    trust,
    signalling,
    relay,
    connectDirect: (card, pairing, options) => {
      // createLanAgent hands each attempt a platform AbortSignal of its own (createLinkedAbort).
      const signal = options.signal as AbortSignal | undefined;
      return connectDirect(card, {
        identity,
        certificate,
        trust,
        ...peer,
        ...(pairing ? { pairing } : {}),
        ...(options.onCompare ? { onCompare: options.onCompare } : {}),
        ...(options.timeoutMs !== undefined ? { connectTimeoutMs: options.timeoutMs } : {}),
        ...(signal ? { signal } : {}),
      });
    },
    createQrOffer: (secret, options) => {
      // createLanAgent hands each attempt a platform AbortSignal of its own (createLinkedAbort).
      const signal = options.signal as AbortSignal | undefined;
      return createQrOffer({
        identity,
        certificate,
        trust,
        ...peer,
        ...(secret ? { secret } : {}),
        ...(options.timeoutMs !== undefined ? { connectTimeoutMs: options.timeoutMs } : {}),
        ...(signal ? { signal } : {}),
      });
    },
    answerQrOffer: (offer, options) => {
      // createLanAgent hands each attempt a platform AbortSignal of its own (createLinkedAbort).
      const signal = options.signal as AbortSignal | undefined;
      return answerQrOffer(offer, {
        identity,
        certificate,
        trust,
        ...peer,
        ...(options.timeoutMs !== undefined ? { connectTimeoutMs: options.timeoutMs } : {}),
        ...(options.peerName !== undefined ? { peerName: options.peerName } : {}),
        ...(signal ? { signal } : {}),
      });
    },
    async close() {
      closed = true;
      await Promise.all([...listeners].map((l) => l.close()));
    },
  });
  return {
    ...core,
    // Getters do not survive a spread.
    get rejected() {
      return core.rejected;
    },
    async listenDirect(listenInit) {
      if (closed) throw new TransportClosedError('agent closed');
      const listener = await createDirectListener({
        ...listenInit,
        identity,
        certificate,
        trust,
        ...(init.logger && !listenInit.logger ? { logger: init.logger } : {}),
      });
      if (closed) {
        // The agent closed while the port was being bound.
        await listener.close();
        throw new TransportClosedError('agent closed');
      }
      listeners.add(listener);
      const leave = core.addPairingTarget(listener);
      listener.onConnection((c) => core.emitConnection(c));
      listener.onPeerError((e) =>
        core.emitSessionError(
          e instanceof LanrtcError ? e : new LanrtcError('direct-connect peer failed', { cause: e }),
          undefined,
        ),
      );
      const close = listener.close;
      return {
        ...listener,
        get stats() {
          return listener.stats;
        },
        async close() {
          leave();
          listeners.delete(listener);
          await close();
        },
      };
    },
  };
}
