/**
 * The doorbell: one agent (identity and trust in its config directory) reached two ways — through
 * the relay its web server embeds (pages it served) and by direct connect from its card (the
 * installed viewer) — one media source shared by every viewer, rings with a snapshot, talk-back
 * recorded, PIN and pairing card for first contact, revocation. `main.ts` puts a terminal on it.
 */
import { mkdir } from 'node:fs/promises';
import {
  createMediaSource,
  createNodeAgent,
  type DirectListener,
  defaultMediaInput,
  type MediaInput,
  type MediaSource,
  type NodeAgent,
  type NodeConnection,
} from '@lanrtc/node-agent';
import type { ListeningRelay } from '@lanrtc/relay';
import type { AttemptPolicyState, KnownPeer, Logger } from '@lanrtc/signal-core';
import { announceCard } from './announce-card.js';
import { loadOrCreateDoorbellState } from './doorbell-state.js';
import { UnknownViewerError } from './errors.js';
import { openFirstContact } from './first-contact.js';
import { createRingLog } from './rings.js';
import { startViewerSession, type TalkbackMode, type ViewerSession } from './viewer-session.js';
import { startWebServer } from './web-server.js';

/** The device type in the card, so `_doorbell._sub._lanrtc._udp` browsing finds it (DNS-SD subtype). */
export const DOORBELL_DEVICE_TYPE = 'doorbell';
/**
 * Card lifetime: 30 days. The installed viewer remembers the card to reach the doorbell; every
 * connection hands it the fresh one, so only a viewer unused for a month must scan again.
 */
const CARD_LIFETIME_S = 30 * 24 * 60 * 60;

/** Options of `startDoorbell`. */
export interface DoorbellInit {
  readonly name: string;
  /** Identity, trust and state directory. */
  readonly config: string;
  /** The LAN IPv4 address to serve, listen and announce on. */
  readonly address: string;
  /** HTTP port of the viewer and the relay. */
  readonly port: number;
  /** UDP port of direct connect (the card's). */
  readonly directPort: number;
  readonly viewerDir: string;
  readonly talkbackDir: string;
  /** Talk-back: play it, record it, or `auto` (default): record, and play too when an audio output opens. */
  readonly talkback?: TalkbackMode;
  readonly input?: MediaInput;
  readonly announce?: boolean;
  /** Give ffmpeg this binary (tests). */
  readonly ffmpeg?: string;
  readonly logger?: Logger;
}

/** A paired viewer, and whether it is watching now. */
export interface ViewerInfo {
  readonly id: string;
  readonly name: string;
  readonly pairedAt: number | undefined;
  readonly lastSeen: number;
  /** Open connections from it now (a phone with two tabs has two). */
  readonly connections: number;
  readonly paths: readonly string[];
}

/** What a ring did. */
export interface RingReport {
  readonly id: string;
  readonly at: number;
  /** Viewers whose channel got it. */
  readonly viewers: number;
  readonly snapshotBytes: number;
}

/** What the doorbell tells its terminal. */
export type DoorbellEvent =
  | {
      readonly kind: 'connected';
      readonly id: string;
      readonly name: string;
      readonly path: string;
      readonly paired: boolean;
      readonly watching: number;
    }
  | { readonly kind: 'disconnected'; readonly id: string; readonly reason: string; readonly watching: number }
  | { readonly kind: 'ring'; readonly report: RingReport }
  | { readonly kind: 'pin'; readonly pin: string }
  | { readonly kind: 'pairing-card'; readonly text: string }
  | { readonly kind: 'attempts'; readonly state: AttemptPolicyState }
  | { readonly kind: 'talk'; readonly id: string; readonly on: boolean }
  | { readonly kind: 'talkback'; readonly id: string; readonly to: string; readonly played: boolean }
  | { readonly kind: 'problem'; readonly id?: string; readonly error: Error };

/** Counters for the local API and the soak test. */
export interface DoorbellStats {
  readonly watching: number;
  readonly rings: number;
  readonly badFrames: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** `process.getActiveResourcesInfo().length`: sockets, timers, child processes open now. */
  readonly handles: number;
  readonly ffmpegPid: number | undefined;
}

/** A running doorbell. */
export interface Doorbell {
  readonly id: string;
  readonly name: string;
  /** The viewer's URL on the LAN, `http://<address>:<port>/`. */
  readonly url: string;
  readonly directPort: number;
  readonly input: MediaInput;
  /** The PIN to show (rotates after each pairing and every 5 minutes). */
  pin(): string;
  /** The one-time pairing card's QR text (re-issued after it pairs). */
  pairingCard(): string;
  /** The current card's QR text. */
  cardText(): string;
  /** Withdraw the PIN and pairing card and issue new ones. */
  newPairing(): void;
  ring(): Promise<RingReport>;
  viewers(): Promise<ViewerInfo[]>;
  /** Forget a paired viewer (by id or a unique prefix) and drop its connections; it must pair again. */
  revoke(idOrPrefix: string): Promise<KnownPeer>;
  stats(): DoorbellStats;
  onEvent(listener: (event: DoorbellEvent) => void): () => void;
  close(): Promise<void>;
}

/** Start the doorbell: web server and relay, agent, direct listener, media, mDNS. */
export async function startDoorbell(init: DoorbellInit): Promise<Doorbell> {
  const listeners = new Set<(event: DoorbellEvent) => void>();
  const emit = (event: DoorbellEvent) => {
    for (const l of listeners) l(event);
  };
  const cleanup: (() => unknown)[] = [];
  const closeAll = async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    await mkdir(init.talkbackDir, { recursive: true });
    const state = await loadOrCreateDoorbellState(init.config);
    // The agent is made after the web server (it logs into the relay there), but the info document
    // needs the agent: `late` is filled before the server answers its first page.
    let late: { agent: NodeAgent; listener: DirectListener } | undefined;
    const web: ListeningRelay = await startWebServer({
      address: init.address,
      port: init.port,
      viewerDir: init.viewerDir,
      info: () => ({ id: late?.agent.id ?? '', name: init.name, card: late?.listener.cardText() ?? '' }),
      ...(init.logger ? { logger: init.logger } : {}),
    });
    cleanup.push(() => web.close({ reason: 'the doorbell is stopping' }));
    const agent = await createNodeAgent({
      config: init.config,
      relay: `ws://${init.address}:${web.address.port}/relay`,
      ...(init.logger ? { logger: init.logger } : {}),
    });
    cleanup.push(() => agent.close());
    const listener = await agent.listenDirect({
      name: init.name,
      deviceTypes: [DOORBELL_DEVICE_TYPE],
      addresses: [init.address],
      port: init.directPort,
      ice: state.ice,
      cardLifetimeS: CARD_LIFETIME_S,
    });
    late = { agent, listener };
    // The camera after the fixed ports are bound: ffmpeg's RTP sockets take ephemeral ports, and one
    // of them landing on the direct-connect port first would keep the listener from starting.
    const input = init.input ?? defaultMediaInput();
    const source = await createMediaSource({
      input,
      // A camera's sound needs an ALSA device named with it; without one the doorbell streams video only.
      audio: input.kind !== 'camera' || input.audioDevice !== undefined,
      ...(init.ffmpeg ? { ffmpeg: init.ffmpeg } : {}),
    });
    cleanup.push(() => source.close());
    const doorbell = serve({ init, agent, listener, source, web, emit, listeners, cleanup, closeAll });
    if (init.announce !== false) {
      const ad = await announceCard(listener, init, (error) => emit({ kind: 'problem', error }));
      cleanup.push(() => ad.close());
    }
    return doorbell;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

interface Parts {
  readonly init: DoorbellInit;
  readonly agent: NodeAgent;
  readonly listener: DirectListener;
  readonly source: MediaSource;
  readonly web: ListeningRelay;
  readonly emit: (event: DoorbellEvent) => void;
  readonly listeners: Set<(event: DoorbellEvent) => void>;
  readonly cleanup: (() => unknown)[];
  readonly closeAll: () => Promise<void>;
}

/** Everything after start-up: pairing, viewers, rings. */
function serve({ init, agent, listener, source, web, emit, listeners, cleanup, closeAll }: Parts): Doorbell {
  const rings = createRingLog();
  const sessions = new Set<ViewerSession>();
  let ringCount = 0;
  let badFrames = 0;
  const counts = new Map<string, number>();
  const broadcastCount = () => {
    for (const s of sessions) s.viewers(sessions.size);
  };

  const pairing = openFirstContact(agent, listener, emit);
  cleanup.push(() => pairing.close());

  agent.onConnection((connection: NodeConnection) => {
    const id = connection.remote.id;
    const session = startViewerSession(connection, {
      source,
      name: init.name,
      card: () => listener.cardText(),
      history: () => rings.recent(),
      watching: () => sessions.size,
      talkbackDir: init.talkbackDir,
      talkback: init.talkback ?? 'auto',
      onEvent(event) {
        if (event.kind === 'bad-frame') badFrames += 1;
        else if (event.kind === 'talk') emit({ kind: 'talk', id, on: event.on });
        else if (event.kind === 'talkback')
          emit({ kind: 'talkback', id, to: event.to, played: event.played });
        else emit({ kind: 'problem', id, error: event.error });
      },
    });
    sessions.add(session);
    counts.set(id, (counts.get(id) ?? 0) + 1);
    // A pairing card pairs once: after a direct-path pairing, show the next one.
    if (connection.paired && connection.path !== 'relay') pairing.nextCard();
    void agent.trust.get(id).then((peer) =>
      emit({
        kind: 'connected',
        id,
        name: peer?.name ?? '',
        path: connection.path,
        paired: connection.paired,
        watching: sessions.size,
      }),
    );
    broadcastCount();
    void connection.ended.then((reason) => {
      sessions.delete(session);
      const left = (counts.get(id) ?? 1) - 1;
      if (left > 0) counts.set(id, left);
      else counts.delete(id);
      emit({ kind: 'disconnected', id, reason, watching: sessions.size });
      broadcastCount();
    });
  });
  cleanup.push(() => Promise.all([...sessions].map((s) => s.close())));

  const ring = async (): Promise<RingReport> => {
    const at = Date.now();
    const id = rings.nextId();
    // The freshest picture there is; a camera that has none yet rings without one rather than late.
    const jpeg = await source.snapshot(200).then(
      (s) => s.jpeg,
      () => undefined,
    );
    const entry = { id, at, jpeg };
    rings.add(entry);
    ringCount += 1;
    let reached = 0;
    for (const s of sessions) if (s.ring(entry)) reached += 1;
    const report = { id, at, viewers: reached, snapshotBytes: jpeg?.length ?? 0 };
    emit({ kind: 'ring', report });
    return report;
  };

  const viewers = async (): Promise<ViewerInfo[]> => {
    const paths = new Map<string, string[]>();
    for (const s of sessions)
      paths.set(s.connection.remote.id, [...(paths.get(s.connection.remote.id) ?? []), s.connection.path]);
    return (await agent.trust.list())
      .map((p) => ({
        id: p.id,
        name: p.name,
        pairedAt: p.pairedAt,
        lastSeen: p.lastSeen,
        connections: counts.get(p.id) ?? 0,
        paths: paths.get(p.id) ?? [],
      }))
      .sort((a, b) => b.lastSeen - a.lastSeen);
  };

  const revoke = async (idOrPrefix: string): Promise<KnownPeer> => {
    const matches = (await agent.trust.list()).filter((p) => p.id.startsWith(idOrPrefix));
    const [peer] = matches;
    if (idOrPrefix.length === 0 || !peer || matches.length > 1)
      throw new UnknownViewerError(
        matches.length > 1
          ? `"${idOrPrefix}" matches ${matches.length} viewers: give more of the id`
          : `no paired viewer "${idOrPrefix}"`,
      );
    await agent.trust.delete(peer.id);
    await Promise.all([...sessions].filter((s) => s.connection.remote.id === peer.id).map((s) => s.close()));
    return peer;
  };

  return {
    id: agent.id,
    name: init.name,
    url: `http://${init.address}:${web.address.port}/`,
    directPort: listener.port,
    input: source.input,
    pin: () => pairing.pin(),
    pairingCard: () => pairing.card(),
    cardText: () => listener.cardText(),
    newPairing: () => pairing.renew(),
    ring,
    viewers,
    revoke,
    stats: () => {
      const memory = process.memoryUsage();
      return {
        watching: sessions.size,
        rings: ringCount,
        badFrames,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        handles: process.getActiveResourcesInfo().length,
        ffmpegPid: source.stats().pid,
      };
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: closeAll,
  };
}
