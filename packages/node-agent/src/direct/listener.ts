/**
 * `createDirectListener`: a Node device that peers reach from its card alone (docs/PROTOCOL.md
 * §"Direct connect and in-band authentication", device side in docs/ARCHITECTURE.md). It owns one
 * UDP port, publishes a signed card with fixed ICE credentials and its pinned certificate, admits
 * each peer that sends an authenticated STUN request into a werift connection of its own, and hands
 * the application a connection only after the peer authenticated in-band (or paired, when a
 * pairing window is open). Everything is capped and counted.
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import {
  type Card,
  type CardIce,
  encodeQrCard,
  encodeQrPairingCard,
  type Identity,
  InvalidArgumentError,
  type LanrtcError,
  type Logger,
  type TrustStore,
  type Unsubscribe,
} from '@lanrtc/signal-core';
import { QR_SECRET_BYTES } from '@lanrtc/signal-core/codec';
import { DIRECT_AUTH_DEADLINE_MS } from '@lanrtc/signal-core/protocol';
import {
  combinePairingWindows,
  createHeldListeners,
  createListeners,
  createOneTimeSecretWindow,
  type PairingWindow,
} from '@lanrtc/signal-core/session';
import { InterfaceNotFoundError } from '../errors.js';
import type { VideoCodecName } from '../media/video-codec.js';
import type { DtlsCertificate } from '../peer/certificate.js';
import type { NodeConnection } from './connection.js';
import { assertWeriftDirectSupport } from './device-peer.js';
import { generateIceCredentials } from './ice-credentials.js';
import { type CardIssuer, createCardIssuer } from './listener-card.js';
import { type ListenerPeer, type PeerCounters, startListenerPeer } from './listener-peer.js';
import { createUdpMux, type MuxCounters } from './udp-mux.js';

/** Options of `createDirectListener`. */
export interface DirectListenerInit {
  readonly identity: Identity;
  /** The device's persistent DTLS certificate (its fingerprint is in the card). */
  readonly certificate: DtlsCertificate;
  /** The certificate it will rotate to; its fingerprint goes into the card as `nextFingerprint`. */
  readonly nextCertificate?: DtlsCertificate;
  readonly trust: TrustStore;
  /** Card name (≤ 32 UTF-8 bytes). */
  readonly name: string;
  readonly deviceTypes?: readonly string[];
  /** Local IP addresses to listen on (at most one IPv4 and one IPv6); each becomes a card candidate. */
  readonly addresses: readonly string[];
  /** Video codecs each peer's connection negotiates (`createNodePeer`'s `videoCodecs`; default VP8). */
  readonly videoCodecs?: readonly VideoCodecName[];
  /** Fixed UDP port (the card's); 0 picks a free one (tests). */
  readonly port: number;
  /** Persisted ICE credentials; generated when absent (persist `listener.ice` to keep the card stable). */
  readonly ice?: CardIce;
  /** Most authenticated peers at once (default 16); while they are all connected, new peers are dropped and counted. */
  readonly maxPeers?: number;
  /**
   * Most peers still connecting or authenticating at once (default 16). A new peer always gets in:
   * when all are taken, the oldest whose DTLS handshake is not done is evicted, else the oldest.
   */
  readonly maxPendingPeers?: number;
  /**
   * Peers not yet authenticated in-band from one IP address (default 4): one host cannot take every
   * pending slot with one address (see docs/ARCHITECTURE.md for what many addresses still do).
   */
  readonly maxPendingPerIp?: number;
  /** Packets held per peer until its connection is armed (default 32). */
  readonly maxHeldPackets?: number;
  /** Packets held over all peers (default 256). */
  readonly maxHeldTotal?: number;
  /**
   * From a peer's first authenticated STUN request to the end of in-band authentication (ms). Default:
   * `DIRECT_AUTH_DEADLINE_MS` until the auth channel is open, then `runDirectAuth`'s own defaults
   * (`DIRECT_AUTH_DEADLINE_MS`, or `DIRECT_AUTH_COMPARE_DEADLINE_MS` when a peer pairs while the
   * window is in compare mode). A pairing whose trust-store write has begun is never cut off.
   */
  readonly authDeadlineMs?: number;
  /** A peer from which nothing arrived for this long is dropped (default 30 000 ms, RFC 7675 §5.1). */
  readonly idleTimeoutMs?: number;
  /** Card lifetime in seconds (default one day); `card()` re-issues it before it expires. */
  readonly cardLifetimeS?: number;
  /** Accept in-band pairing (first contact) while set; see also `openPairing` / `openQrPairing`. */
  readonly pairing?: PairingWindow;
  readonly logger?: Logger;
}

/** Counters (snapshot): current `peers`/`connected`/`heldPackets`, everything else since start. */
export interface DirectListenerStats extends PeerCounters {
  readonly peers: number;
  readonly heldPackets: number;
  readonly droppedPackets: number;
  readonly unauthenticatedStun: number;
  readonly rejectedPeers: number;
  /** New peers refused because their IP already had `maxPendingPerIp` peers still authenticating (also in `rejectedPeers`). */
  readonly rejectedPerIp: number;
  /** Authenticated STUN from an address a connected peer owns, for another peer: dropped (a spoof). */
  readonly addressConflicts: number;
  /** New peers refused because their first request was not ICE-CONTROLLING (also in `rejectedPeers`). */
  readonly notControlling: number;
  /** Peers still connecting or authenticating that were dropped to make room for a newer one. */
  readonly evictedPeers: number;
  readonly staleStun: number;
}

/** A one-time QR pairing: the text to show, its secret, and how to withdraw it. */
export interface QrPairing {
  /** QR text of the pairing card (card + secret), `LR1:…`. */
  readonly text: string;
  readonly secret: Uint8Array;
  /** Withdraw it (also happens after one successful pairing). */
  close(): void;
}

/** A running direct-connect listener. */
export interface DirectListener {
  readonly port: number;
  /** The ICE credentials in the card (persist them to keep the card stable across restarts). */
  readonly ice: CardIce;
  /** The current signed card, opened; re-issued when close to expiry or after a rotation. */
  card(): Card;
  /** The current signed card's bytes (for mDNS TXT or a page). */
  cardBytes(): Uint8Array;
  /** QR text of the current card. */
  cardText(): string;
  /** Accept in-band pairing with this window until the returned function is called; the newest open window is in force. */
  openPairing(window: PairingWindow): () => void;
  /** Open a one-time secret pairing shown as a QR pairing card. */
  openQrPairing(): QrPairing;
  /**
   * Every authenticated connection; until the first subscriber, up to `maxPeers` are held for it.
   * Returns unsubscribe.
   */
  onConnection(listener: (connection: NodeConnection) => void): Unsubscribe;
  /**
   * A peer that failed (authentication, timeout, transport; it has been dropped and counted), or an
   * error thrown by an `onConnection` listener (that connection stays up). Returns unsubscribe.
   */
  onPeerError(listener: (error: LanrtcError | Error) => void): Unsubscribe;
  readonly stats: DirectListenerStats;
  /** Switch to `next` (peers that trust this identity keep working); `following` becomes the card's next. */
  rotateCertificate(next: DtlsCertificate, following?: DtlsCertificate): void;
  close(): Promise<void>;
}

/** Bind the port and start listening. */
export async function createDirectListener(init: DirectListenerInit): Promise<DirectListener> {
  assertWeriftDirectSupport();
  checkAddresses(init.addresses);
  checkLimits(init);
  const ice = init.ice ?? generateIceCredentials();
  const maxPeers = init.maxPeers ?? 16;
  const deadlineMs = init.authDeadlineMs ?? DIRECT_AUTH_DEADLINE_MS;
  const idleTimeoutMs = init.idleTimeoutMs ?? 30_000;
  let certificate = init.certificate;
  const next = init.nextCertificate;
  /** Windows opened with `openPairing` (oldest first) after `init.pairing`. */
  const windows: PairingWindow[] = init.pairing ? [init.pairing] : [];
  let window = combinePairingWindows(windows);
  let closed = false;
  const counters: PeerCounters = {
    connected: 0,
    accepted: 0,
    paired: 0,
    authFailures: 0,
    authTimeouts: 0,
    droppedMessages: 0,
    droppedChannels: 0,
    idleTimeouts: 0,
  };
  const peers = new Map<object, ListenerPeer>();
  const peerErrors = createListeners<LanrtcError | Error>();
  // The application's handler failed, not the peer: the connection stays, the error is reported.
  const connections = createHeldListeners<NodeConnection>(
    maxPeers,
    (connection) => void connection.close(),
    (error) => error instanceof Error && peerErrors.emit(error),
  );

  const mux = await createUdpMux({
    addresses: init.addresses,
    port: init.port,
    ufrag: ice.ufrag,
    pwd: ice.pwd,
    maxAuthenticated: maxPeers,
    maxPending: init.maxPendingPeers ?? 16,
    maxHeldPerRoute: init.maxHeldPackets ?? 32,
    maxHeldTotal: init.maxHeldTotal ?? 256,
    ...(init.maxPendingPerIp !== undefined ? { maxPendingPerIp: init.maxPendingPerIp } : {}),
    onRoute(route) {
      if (closed) return false;
      const peer = startListenerPeer({
        route,
        identity: init.identity,
        trust: init.trust,
        certificate,
        ice,
        addresses: init.addresses,
        ...(init.videoCodecs ? { videoCodecs: init.videoCodecs } : {}),
        deadlineMs,
        ...(init.authDeadlineMs !== undefined ? { authDeadlineMs: init.authDeadlineMs } : {}),
        pairingWindow: () => window,
        counters,
        onConnection: (connection) => connections.emit(connection),
        onGone: () => peers.delete(route),
        onError: (error) => peerErrors.emit(error),
      });
      peers.set(route, peer);
      init.logger?.debug('direct: peer admitted', { peers: peers.size });
      return true;
    },
    onEvict(route) {
      void peers.get(route)?.drop('evicted');
    },
    onActivity(route) {
      const peer = peers.get(route);
      if (peer) peer.lastSeen = Date.now();
    },
  });
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const peer of [...peers.values()]) {
        if (now - peer.lastSeen > idleTimeoutMs) void peer.drop('idle');
      }
    },
    Math.min(1000, idleTimeoutMs),
  );

  let cards: CardIssuer;
  try {
    cards = createCardIssuer(
      {
        identity: init.identity,
        name: init.name,
        deviceTypes: init.deviceTypes ?? [],
        ice,
        candidates: init.addresses.map((address) => ({ address, port: mux.port })),
        lifetimeS: init.cardLifetimeS ?? 24 * 60 * 60,
      },
      certificate,
      next,
    );
  } catch (error) {
    clearInterval(sweep);
    await mux.close();
    throw error;
  }
  const current = () => cards.current();

  const listener: DirectListener = {
    port: mux.port,
    ice,
    card: () => current().card,
    cardBytes: () => current().bytes,
    cardText: () => encodeQrCard(current().bytes),
    openPairing(w) {
      // Every open window stays in force for its own mode (the newest wins within a mode): a QR
      // pairing card opened beside the agent's PIN display takes secret hellos, the PIN takes PIN
      // hellos, so a guesser who locks the PIN never locks the card.
      windows.push(w);
      window = combinePairingWindows(windows);
      return () => {
        const at = windows.lastIndexOf(w);
        if (at >= 0) windows.splice(at, 1);
        window = combinePairingWindows(windows);
      };
    },
    onConnection: (l) => connections.add(l),
    onPeerError: (l) => peerErrors.add(l),
    openQrPairing() {
      const secret = new Uint8Array(randomBytes(QR_SECRET_BYTES));
      // Attempts run side by side; the first to prove the secret takes the card (a stalling peer
      // without the secret holds nothing), a second holder of it is refused.
      const w = createOneTimeSecretWindow(secret, () => close());
      const close = listener.openPairing(w);
      return { text: encodeQrPairingCard(current().bytes, secret), secret, close };
    },
    get stats(): DirectListenerStats {
      const m: MuxCounters = mux.counters;
      return {
        ...counters,
        peers: m.routes,
        heldPackets: m.heldPackets,
        droppedPackets: m.droppedPackets,
        unauthenticatedStun: m.unauthenticatedStun,
        rejectedPeers: m.rejectedPeers,
        rejectedPerIp: m.rejectedPerIp,
        addressConflicts: m.addressConflicts,
        notControlling: m.notControlling,
        evictedPeers: m.evictedPeers,
        staleStun: m.staleStun,
      };
    },
    rotateCertificate(rotated, following) {
      cards.issue(rotated, following);
      certificate = rotated;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      await Promise.all([...peers.values()].map((peer) => peer.drop('closing')));
      await mux.close();
      connections.clear(); // closes connections no listener claimed
      peerErrors.clear();
    },
  };
  return listener;
}

/** Every numeric option, when given, is a positive integer (NaN or 0 would lift a cap or drop every peer). */
function checkLimits(init: DirectListenerInit): void {
  const limits = {
    maxPeers: init.maxPeers,
    maxPendingPeers: init.maxPendingPeers,
    maxPendingPerIp: init.maxPendingPerIp,
    maxHeldPackets: init.maxHeldPackets,
    maxHeldTotal: init.maxHeldTotal,
    authDeadlineMs: init.authDeadlineMs,
    idleTimeoutMs: init.idleTimeoutMs,
    cardLifetimeS: init.cardLifetimeS,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw new InvalidArgumentError(`${name} must be a positive integer`);
    }
  }
}

/** The same rule the device connections apply (createNodePeer): local IP literals, ≤ one per family. */
function checkAddresses(addresses: readonly string[]): void {
  if (addresses.length === 0) throw new InvalidArgumentError('addresses is empty');
  const local = new Set(
    Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((info) => info.address)),
  );
  const families = new Set<number>();
  for (const address of addresses) {
    const family = isIP(address);
    if (family === 0) throw new InvalidArgumentError('addresses holds a value that is not an IP address');
    if (!local.has(address)) throw new InterfaceNotFoundError(`no local interface has address ${address}`);
    if (families.has(family)) throw new InvalidArgumentError('at most one IPv4 and one IPv6 address');
    families.add(family);
  }
}
