/**
 * `createBrowserAgent`: a lanrtc agent in a browser — identity, DTLS certificate and trust store
 * persisted in IndexedDB, native RTCPeerConnections with no STUN/TURN servers and the persisted
 * certificate pinned, and every path from one object: relay, direct connect from a card, QR codes.
 * Same shape as node-agent's `createNodeAgent`. Works in an insecure context
 * (`http://<lan-ip>/`): it uses IndexedDB, `generateCertificate` and `getRandomValues` (through
 * @noble) only, never Web Crypto, media devices or a service worker.
 */
import {
  type Identity,
  InvalidArgumentError,
  type LanAgent,
  type Logger,
  type PeerContext,
  type RelayClientInit,
  type RelayConnection,
  type SignalTransport,
  type TrustStore,
} from '@lanrtc/signal-core';
import { connectRelay, createAgent, createLanAgent, setupPeerFactory } from '@lanrtc/signal-core/session';
import { DEFAULT_DB_NAME, openLanrtcDb } from './db.js';
import { connectDirect } from './direct/connect.js';
import { loadOrCreateCertificate, loadOrCreateIdentity } from './keys.js';
import { answerQrOffer, createQrOffer } from './qr/signalling.js';
import { type BrowserSessionPeer, browserSessionPeer } from './session-peer.js';
import { createIndexedDbTrustStore } from './trust-store.js';

/**
 * A relay to log into with the agent's own identity over the native WebSocket: `connectRelay`'s
 * options without `identity` and `WebSocket`. `reconnect` defaults to **on** here (a tab outlives
 * relay restarts and Wi-Fi hiccups); pass `reconnect: false` for the one-shot behaviour.
 */
export type BrowserRelayOptions = Omit<RelayClientInit, 'identity' | 'WebSocket'>;

/** Options for `createBrowserAgent`; everything is optional (at most one of `relay` and `transport`). */
export interface BrowserAgentInit {
  /** Log into this relay (`ws://host:port/`, or options), redialling it when it is lost. */
  readonly relay?: string | BrowserRelayOptions;
  /** Any other signalling path, or a factory given this browser's identity id (known only once loaded). */
  readonly transport?: SignalTransport | ((id: string) => SignalTransport | Promise<SignalTransport>);
  /** IndexedDB database holding identity, certificate and trust (default `lanrtc`). */
  readonly dbName?: string;
  /**
   * In a secure context, ask the browser to keep this origin's storage (identity, trust) from being
   * evicted (`navigator.storage.persist()`, Storage Standard §4.4; Firefox may ask the user).
   * Default true; nothing happens on an insecure page, where `navigator.storage` does not exist.
   */
  readonly persistStorage?: boolean;
  /** Replace the IndexedDB trust store (e.g. a shared one); the identity and certificate stay in IndexedDB. */
  readonly trust?: TrustStore;
  /**
   * Extra `RTCConfiguration`. `iceServers` is always `[]` (offline LAN: host candidates only,
   * webrtc-pc §4.4.1.1) and `certificates` always the persisted certificate.
   */
  readonly rtcConfiguration?: Omit<RTCConfiguration, 'iceServers' | 'certificates'>;
  /** Prepare each new connection (channels, tracks). Default: the offerer opens one channel labelled `lanrtc`. */
  readonly setup?: (peer: BrowserSessionPeer, context: PeerContext) => void;
  /** Deadline of each relay signalling step (default 15 s). */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/** A browser agent: the common `LanAgent` shape; `close()` also closes the database. */
export interface BrowserAgent extends LanAgent<BrowserSessionPeer> {
  /** Whether storage is persistent (secure contexts only); undefined where it cannot be asked for. */
  readonly storagePersisted: boolean | undefined;
}

/** Load (or create) identity and certificate from IndexedDB and start an agent. */
export async function createBrowserAgent(init: BrowserAgentInit = {}): Promise<BrowserAgent> {
  if (init.relay !== undefined && init.transport !== undefined) {
    throw new InvalidArgumentError('createBrowserAgent takes `relay` or `transport`, not both');
  }
  const db = await openLanrtcDb(init.dbName ?? DEFAULT_DB_NAME);
  let identity: Identity;
  let certificate: RTCCertificate;
  let fingerprint: Uint8Array;
  let transport: SignalTransport | undefined;
  let relay: RelayConnection | undefined;
  let storagePersisted: boolean | undefined;
  try {
    storagePersisted = init.persistStorage === false ? undefined : await requestPersistence();
    identity = await loadOrCreateIdentity(db);
    ({ certificate, fingerprint } = await loadOrCreateCertificate(db));
    if (init.relay !== undefined) {
      const options: BrowserRelayOptions = typeof init.relay === 'string' ? { url: init.relay } : init.relay;
      relay = await connectRelay({
        reconnect: true,
        ...options,
        identity,
        WebSocket: globalThis.WebSocket,
      });
      transport = relay;
    } else if (typeof init.transport === 'function') transport = await init.transport(identity.id);
    else transport = init.transport;
  } catch (error) {
    db.close();
    throw error;
  }
  const trust = init.trust ?? createIndexedDbTrustStore(db);
  const signalling = transport
    ? createAgent<BrowserSessionPeer>({
        identity,
        transport,
        trust,
        fingerprint,
        createPeer: setupPeerFactory(
          () =>
            browserSessionPeer(
              new RTCPeerConnection({
                ...init.rtcConfiguration,
                iceServers: [],
                certificates: [certificate],
              }),
            ),
          init.setup,
        ),
        ...(init.timeoutMs !== undefined ? { timeoutMs: init.timeoutMs } : {}),
        ...(init.logger ? { logger: init.logger } : {}),
      }).start()
    : undefined;

  // What every in-band connection (direct, QR) needs from this agent.
  const base = {
    identity,
    certificate,
    trust,
    ...(init.rtcConfiguration ? { rtcConfiguration: init.rtcConfiguration } : {}),
  };
  const core = createLanAgent<BrowserSessionPeer>({
    identity,
    fingerprint,
    trust,
    signalling,
    relay,
    connectDirect: (card, pairing, options) =>
      connectDirect(card, {
        ...base,
        ...(pairing ? { pairing } : {}),
        ...(options.onCompare ? { onCompare: options.onCompare } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.signal ? { signal: options.signal as AbortSignal } : {}),
      }),
    createQrOffer: (secret, options) =>
      createQrOffer({
        ...base,
        ...(secret ? { pairWithSecret: secret } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.signal ? { signal: options.signal as AbortSignal } : {}),
      }),
    answerQrOffer: (offer, options) =>
      answerQrOffer(offer, {
        ...base,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.peerName !== undefined ? { peerName: options.peerName } : {}),
        ...(options.signal ? { signal: options.signal as AbortSignal } : {}),
      }),
    async close() {
      db.close();
    },
  });
  return {
    ...core,
    // Getters do not survive a spread.
    get rejected() {
      return core.rejected;
    },
    storagePersisted,
  };
}

/** The one secure-context power used: persistent storage, when the page has it. */
async function requestPersistence(): Promise<boolean | undefined> {
  // `StorageManager` is [SecureContext]: absent on a device-served http://<lan-ip> page.
  const storage = globalThis.isSecureContext ? globalThis.navigator?.storage : undefined;
  if (!storage?.persist) return undefined;
  try {
    return (await storage.persisted()) || (await storage.persist());
  } catch {
    return undefined;
  }
}
