/**
 * `createBrowserAgent`: the signal-core agent with native RTCPeerConnections, wired once — identity,
 * DTLS certificate and trust store persisted in IndexedDB, no STUN/TURN servers, the persisted
 * certificate pinned on every connection — plus the pairing helpers an app's UI needs. Works in an
 * insecure context (`http://<lan-ip>/`): it uses IndexedDB, `generateCertificate` and
 * `getRandomValues` (through @noble) only, never Web Crypto, media devices or a service worker.
 */
import {
  type Agent,
  type AttemptPolicyInit,
  assertUsablePin,
  type CompareHandler,
  type Connection,
  connectRelay,
  createAgent,
  createAttemptPolicy,
  type Identity,
  InvalidArgumentError,
  type LanrtcError,
  type Logger,
  type PairingMode,
  type PairingResult,
  type PeerContext,
  type PublicIdentity,
  publicIdentity,
  type RelayClientInit,
  type RelayConnection,
  type SignalTransport,
  type TrustStore,
} from '@lanrtc/signal-core';
import { DEFAULT_DB_NAME, openLanrtcDb } from './db.js';
import { PairingModeUnsupportedError } from './errors.js';
import { loadOrCreateCertificate, loadOrCreateIdentity } from './keys.js';
import { type BrowserSessionPeer, browserSessionPeer } from './session-peer.js';
import { createIndexedDbTrustStore } from './trust-store.js';

/** Label of the DataChannel the offering side opens when the application does not set one up (as node-agent). */
export const DEFAULT_CHANNEL_LABEL = 'lanrtc';

/**
 * A relay to log into with the agent's own identity over the native WebSocket: `connectRelay`'s
 * options without `identity` and `WebSocket`. `reconnect` defaults to **on** here (a tab outlives
 * relay restarts and Wi-Fi hiccups); pass `reconnect: false` for the one-shot behaviour.
 */
export type BrowserRelayOptions = Omit<RelayClientInit, 'identity' | 'WebSocket'>;

/** Options for `createBrowserAgent`: exactly one of `relay` and `transport`. */
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
  readonly onConnection?: (connection: Connection<BrowserSessionPeer>) => void;
  readonly onSessionError?: (error: LanrtcError, remoteId: string | undefined) => void;
  readonly timeoutMs?: number;
  readonly logger?: Logger;
}

/** What `showPin` returns: the PIN to display now, updates, and a way to stop accepting. */
export interface PinDisplay {
  /** The PIN to show now (it rotates after a failed attempt and on expiry). */
  pin(): string;
  /** Called with the new PIN after a failed attempt, so the UI can redraw. */
  onChange(listener: (pin: string) => void): void;
  /** Resolves with the first successful pairing through this display. */
  readonly paired: Promise<PairingResult>;
  /** Stop accepting pairing attempts. */
  close(): void;
}

/** A started browser agent; `close()` also closes the database. */
export interface BrowserAgent {
  /** This browser's identity id (what peers address it by). */
  readonly id: string;
  /** This browser's public identity, e.g. to put in a card or show as a QR code. */
  readonly identity: PublicIdentity;
  /** Raw SHA-256 of the persisted DTLS certificate. */
  readonly fingerprint: Uint8Array;
  readonly trust: TrustStore;
  /** Whether storage is persistent (secure contexts only); undefined where it cannot be asked for. */
  readonly storagePersisted: boolean | undefined;
  /** The signal-core agent underneath (counters, low-level pairing windows). */
  readonly agent: Agent<BrowserSessionPeer>;
  /** The relay connection when created with `relay` (state, stats, rooms); closed by `close()`. */
  readonly relay: RelayConnection | undefined;
  /** Open an authenticated connection to a paired peer; `remote` in the result is the verified identity. */
  connect(peerId: string): Promise<Connection<BrowserSessionPeer>>;
  /** Subscribe to incoming verified connections; returns unsubscribe. */
  onConnection(listener: (connection: Connection<BrowserSessionPeer>) => void): () => void;
  /** Pair as initiator with `peerId` after the user typed the PIN that peer shows (`WeakPinError` for a malformed one). */
  enterPin(peerId: string, pin: string): Promise<PairingResult>;
  /** Accept pairing by a PIN this page shows (a fresh PIN per attempt window, attempts limited). */
  showPin(policy?: AttemptPolicyInit): PinDisplay;
  /**
   * Pair as initiator in any mode. `compare` needs `onCompare`: show the digits, resolve with the
   * user's verdict (`PairingModeUnsupportedError` without it).
   */
  pair(peerId: string, mode: PairingMode, opts?: { onCompare?: CompareHandler }): Promise<PairingResult>;
  /** Accept numeric-comparison pairing: `onCompare` shows the digits and returns the user's verdict. */
  acceptCompare(onCompare: CompareHandler): { paired: Promise<PairingResult>; close(): void };
  close(): Promise<void>;
}

/** Load (or create) identity and certificate from IndexedDB and start an agent. */
export async function createBrowserAgent(init: BrowserAgentInit): Promise<BrowserAgent> {
  if ((init.relay === undefined) === (init.transport === undefined)) {
    throw new InvalidArgumentError('createBrowserAgent needs exactly one of `relay` and `transport`');
  }
  const db = await openLanrtcDb(init.dbName ?? DEFAULT_DB_NAME);
  let identity: Identity;
  let certificate: RTCCertificate;
  let fingerprint: Uint8Array;
  let transport: SignalTransport;
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
    else transport = init.transport as SignalTransport;
  } catch (error) {
    db.close();
    throw error;
  }
  const trust = init.trust ?? createIndexedDbTrustStore(db);
  const listeners = new Set<(connection: Connection<BrowserSessionPeer>) => void>();
  if (init.onConnection) listeners.add(init.onConnection);
  const setup =
    init.setup ??
    ((peer: BrowserSessionPeer, context: PeerContext) => {
      if (context.role === 'offerer') peer.createDataChannel(DEFAULT_CHANNEL_LABEL);
    });

  const agent = createAgent<BrowserSessionPeer>({
    identity,
    transport,
    trust,
    fingerprint,
    createPeer: (context) => {
      const pc = new RTCPeerConnection({
        ...init.rtcConfiguration,
        iceServers: [],
        certificates: [certificate],
      });
      const peer = browserSessionPeer(pc);
      try {
        setup(peer, context);
      } catch (error) {
        peer.close(); // the app's setup failed: nothing else would ever close this connection
        throw error;
      }
      return peer;
    },
    onConnection: (connection) => {
      for (const l of listeners) l(connection);
    },
    ...(init.onSessionError ? { onSessionError: init.onSessionError } : {}),
    ...(init.timeoutMs !== undefined ? { timeoutMs: init.timeoutMs } : {}),
    ...(init.logger ? { logger: init.logger } : {}),
  }).start();

  const pair = (peerId: string, mode: PairingMode, opts: { onCompare?: CompareHandler } = {}) => {
    // Without a way to show the digits the pairing could only fail at the other end: say why here.
    if (mode.kind === 'compare' && !opts.onCompare) {
      return Promise.reject(new PairingModeUnsupportedError('compare mode needs an onCompare handler'));
    }
    return agent.pair(peerId, mode, opts);
  };

  return {
    id: identity.id,
    identity: publicIdentity(identity.publicKey),
    fingerprint,
    trust,
    storagePersisted,
    agent,
    relay,
    connect: (peerId) => agent.connect(peerId),
    onConnection(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    enterPin(peerId, pin) {
      try {
        assertUsablePin(pin);
      } catch (error) {
        return Promise.reject(error);
      }
      return pair(peerId, { kind: 'pin', pin });
    },
    showPin(policyInit) {
      const changed = new Set<(pin: string) => void>();
      let expiry: ReturnType<typeof setTimeout> | undefined;
      let closed = false;
      // Every new PIN (after a failure, a success, or its expiry) reaches the UI; an expiring PIN is
      // rotated on time by a timer, not only when the next attempt happens to notice it.
      const policy = createAttemptPolicy({
        ...policyInit,
        onPinChange: (pin, expiresAt) => {
          policyInit?.onPinChange?.(pin, expiresAt);
          clearTimeout(expiry);
          if (closed) return;
          expiry = setTimeout(() => policy.pin(), Math.max(0, expiresAt - Date.now()) + 1);
          for (const l of changed) l(pin);
        },
      });
      let resolvePaired: (result: PairingResult) => void = () => {};
      const paired = new Promise<PairingResult>((resolve) => {
        resolvePaired = resolve;
      });
      const stop = agent.openPairing({
        mode: () => policy.mode(),
        policy,
        onPaired: (result) => resolvePaired(result),
      });
      return {
        pin: () => policy.pin(),
        onChange: (listener) => void changed.add(listener),
        paired,
        close: () => {
          closed = true;
          clearTimeout(expiry);
          stop();
        },
      };
    },
    pair,
    acceptCompare(onCompare) {
      let resolvePaired: (result: PairingResult) => void = () => {};
      const paired = new Promise<PairingResult>((resolve) => {
        resolvePaired = resolve;
      });
      const close = agent.openPairing({
        mode: () => ({ kind: 'compare' }),
        onCompare,
        onPaired: resolvePaired,
      });
      return { paired, close };
    },
    async close() {
      await agent.close();
      db.close();
    },
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
