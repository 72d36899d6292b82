/**
 * The relay: a WebSocket server that logs clients in by identity key (challenge–response), routes
 * opaque frames by identity id, keeps rooms with presence, and enforces every limit with an error
 * frame and a counter (docs/PROTOCOL.md §"Relay protocol"). It never parses what it forwards: those
 * are sealed envelopes, and the `deliver` sender id is the authenticated one, so it can drop frames
 * but cannot forge or alter them undetectably. One file because connection state, routing and limits
 * share one lifecycle.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  assertSendFrame,
  decodeRelayFrame,
  encodeDeliver,
  encodeRelayFrame,
  identityIdBytes,
  type Logger,
  NOOP_LOGGER,
  RELAY_ADDRESS_OFFSET,
  RELAY_CHALLENGE_BYTES,
  RELAY_FRAME_CODES,
  RELAY_VERSION,
  type RelayErrorCode,
  type RelayFrame,
  UnsupportedVersionError,
  verifyRelayAuth,
} from '@lanrtc/signal-core';
import { type WebSocket, WebSocketServer } from 'ws';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './limits.js';
import { createStaticHandler } from './static.js';

/** A frame in transit, as a test hook sees it (`from`/`to` are id texts). */
export interface InterceptedFrame {
  readonly from: string;
  readonly to: string;
  readonly bytes: Uint8Array;
}

/**
 * Test hook that plays a malicious relay: return the payloads to deliver instead of `bytes` (none
 * drops it, two replays it). Production relays leave it unset.
 */
export type RelayIntercept = (frame: InterceptedFrame) => readonly Uint8Array[];

/** Options shared by `createRelay` and `attachRelay`. */
export interface RelayOptions {
  readonly limits?: Partial<RelayLimits>;
  readonly logger?: Logger;
  /**
   * Host names (`host:port`, lower case) the relay answers to; when set, an upgrade with another
   * `Host` is refused, which is what makes the login's endpoint binding hold against a relay in the
   * middle (docs/PROTOCOL.md §"Relay protocol").
   */
  readonly allowedHosts?: readonly string[];
  readonly intercept?: RelayIntercept;
  /** Only upgrades to this path are the relay's (default: every upgrade), for embedding next to other WebSocket endpoints. */
  readonly path?: string;
}

/** Options for `createRelay`. */
export interface CreateRelayInit extends RelayOptions {
  readonly port?: number;
  readonly host?: string;
  /** Serve this directory's files over plain HTTP on the same origin. */
  readonly staticDir?: string;
  /**
   * Called once listening, e.g. to announce the relay over mDNS; the function it returns is called
   * on close. (The mDNS announcer plugs in here.)
   */
  readonly announce?: (address: RelayAddress) => (() => void | Promise<void>) | undefined;
}

/** Where a relay listens. */
export interface RelayAddress {
  readonly host: string;
  readonly port: number;
  /** `ws://host:port/` */
  readonly url: string;
}

/** Counters: what the relay did and what it refused, by stable error code. */
export interface RelayStats {
  /** Open sockets now. */
  connections: number;
  /** Logged-in clients now. */
  authenticated: number;
  /** Rooms now. */
  rooms: number;
  /** Frames received from clients. */
  framesIn: number;
  /** `deliver` frames sent. */
  forwarded: number;
  /** `pong`s sent (answers to clients' heartbeat `ping`s). */
  pongs: number;
  /** Bytes of `deliver` frames sent. */
  bytesForwarded: number;
  /** Error frames sent, by code. */
  errors: Partial<Record<RelayErrorCode, number>>;
}

/** A relay attached to an HTTP server. */
export interface Relay {
  readonly stats: RelayStats;
  /** Tell every client (`shutting-down` error frame with `reason`), close their sockets, stop. */
  close(opts?: { reason?: string }): Promise<void>;
}

/** A relay with its own HTTP server. */
export interface ListeningRelay extends Relay {
  readonly address: RelayAddress;
}

interface Conn {
  readonly ws: WebSocket;
  readonly challenge: Uint8Array;
  readonly endpoint: string;
  readonly openedAt: number;
  lastSeen: number;
  tokens: number;
  lastRefill: number;
  lastRateError: number;
  /** Set once logged in: id bytes, their map key, and the id text for logs. */
  id?: Uint8Array;
  key?: string;
  idText?: string;
  readonly rooms: Set<string>;
  closing: boolean;
}

const keyOf = (id: Uint8Array) => Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('latin1');
/** A plain Uint8Array view of a Buffer: its `slice` copies (Buffer's does not), so decoded fields are values. */
const plain = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
/** Error codes after which the relay closes the connection (docs/PROTOCOL.md). */
const CLOSE_CODES: Partial<Record<RelayErrorCode, number>> = {
  'malformed-frame': 1008,
  'unsupported-version': 1008,
  'not-authenticated': 1008,
  'auth-failed': 1008,
  'frame-too-large': 1009,
  replaced: 4001,
  'idle-timeout': 4002,
  'slow-consumer': 4003,
  'shutting-down': 1001,
  'server-full': 1013,
  'auth-timeout': 4004,
};

/** Attach a relay to an existing HTTP server (its `upgrade` event); the caller owns the server. */
export function attachRelay(server: Server, opts: RelayOptions = {}): Relay {
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, ...opts.limits };
  const log = opts.logger ?? NOOP_LOGGER;
  const allowed = opts.allowedHosts ? new Set(opts.allowedHosts.map((h) => h.toLowerCase())) : undefined;
  // ws enforces a hard cap at twice the limit (closing with 1009); in between the relay answers with
  // its own `frame-too-large` error frame so the client learns why.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes * 2,
    perMessageDeflate: false,
  });
  const conns = new Set<Conn>();
  const byId = new Map<string, Conn>();
  const rooms = new Map<string, Set<Conn>>();
  const stats: RelayStats = {
    connections: 0,
    authenticated: 0,
    rooms: 0,
    framesIn: 0,
    forwarded: 0,
    bytesForwarded: 0,
    pongs: 0,
    errors: {},
  };
  let shuttingDown = false;

  /**
   * Every relay→client frame goes through here: a client whose send buffer is past
   * `maxBufferedBytes` is evicted (`slow-consumer`) instead of queueing more, whatever the frame
   * (a client that stops reading but keeps sending `join`s or `ping`s must not grow the relay's
   * memory either). False when the frame was not sent.
   */
  function sendTo(c: Conn, frame: Uint8Array): boolean {
    if (c.closing || c.ws.readyState !== c.ws.OPEN) return false;
    if (c.ws.bufferedAmount > limits.maxBufferedBytes) {
      log.warn('relay.slow-consumer', { id: c.idText, buffered: c.ws.bufferedAmount });
      sendError(c, 'slow-consumer');
      return false;
    }
    c.ws.send(frame);
    return true;
  }

  function sendError(c: Conn, code: RelayErrorCode, detail = '', subject = ''): void {
    stats.errors[code] = (stats.errors[code] ?? 0) + 1;
    const frame = encodeRelayFrame({ type: 'error', code, subject, detail });
    const closeCode = CLOSE_CODES[code];
    if (closeCode === undefined) {
      sendTo(c, frame);
      return;
    }
    // A closing error is the socket's last frame: one bounded frame past the buffer limit, sent
    // directly (through `sendTo` a `slow-consumer` would recurse).
    if (c.ws.readyState === c.ws.OPEN) c.ws.send(frame);
    log.debug('relay.close', { code, id: c.idText });
    // Closing first: fan-out during `drop` (presence) skips this connection.
    c.closing = true;
    drop(c);
    c.ws.close(closeCode, code);
    // A client that stops reading never completes the closing handshake; do not wait for it.
    const kill = setTimeout(() => c.ws.terminate(), 2_000);
    c.ws.once('close', () => clearTimeout(kill));
  }

  function leaveRoom(c: Conn, room: string): void {
    const members = rooms.get(room);
    if (!members?.delete(c)) return;
    c.rooms.delete(room);
    if (members.size === 0) rooms.delete(room);
    else if (c.id) {
      const frame = encodeRelayFrame({ type: 'presence', room, id: c.id, present: false });
      // A copy: a member evicted as a slow consumer leaves this room while the loop runs.
      for (const m of [...members]) sendTo(m, frame);
    }
    stats.rooms = rooms.size;
  }

  /** Take a connection out of routing (idempotent). */
  function drop(c: Conn): void {
    if (!conns.delete(c)) return;
    stats.connections = conns.size;
    for (const room of [...c.rooms]) leaveRoom(c, room);
    if (c.key && byId.get(c.key) === c) {
      byId.delete(c.key);
      stats.authenticated = byId.size;
    }
  }

  function join(c: Conn, room: string): void {
    let members = rooms.get(room);
    if (!members?.has(c)) {
      if (c.rooms.size >= limits.maxRoomsPerConnection || (!members && rooms.size >= limits.maxRooms)) {
        sendError(c, 'too-many-rooms', '', room);
        return;
      }
      if (members && members.size >= limits.maxPeersPerRoom) {
        sendError(c, 'room-full', '', room);
        return;
      }
      if (!members) {
        members = new Set();
        rooms.set(room, members);
      }
      // Joined before the fan-out, so the room outlives members evicted during it (slow consumers).
      members.add(c);
      c.rooms.add(room);
      stats.rooms = rooms.size;
      const presence = encodeRelayFrame({ type: 'presence', room, id: c.id as Uint8Array, present: true });
      for (const m of [...members]) if (m !== c) sendTo(m, presence);
    }
    const others = [...members].filter((m) => m !== c).map((m) => m.id as Uint8Array);
    sendTo(c, encodeRelayFrame({ type: 'joined', room, members: others }));
  }

  function deliverTo(from: Conn, toKey: string, frame: Uint8Array): void {
    const target = byId.get(toKey);
    if (!target) {
      sendError(from, 'unknown-recipient', '', '');
      return;
    }
    if (!sendTo(target, frame)) return;
    stats.forwarded++;
    stats.bytesForwarded += frame.length;
  }

  function onSend(c: Conn, raw: Buffer): void {
    // Header checked, payload never parsed; the deliver frame is the send frame with the type byte
    // and the id replaced by the authenticated sender (docs/PROTOCOL.md §"Relay protocol").
    assertSendFrame(raw);
    const toKey = raw.toString('latin1', RELAY_ADDRESS_OFFSET, RELAY_ADDRESS_OFFSET + 16);
    if (!opts.intercept) {
      const deliver = Buffer.allocUnsafe(raw.length);
      raw.copy(deliver);
      deliver[1] = RELAY_FRAME_CODES.deliver;
      deliver.set(c.id as Uint8Array, RELAY_ADDRESS_OFFSET);
      deliverTo(c, toKey, deliver);
      return;
    }
    const payload = (decodeRelayFrame(plain(raw)) as Extract<RelayFrame, { type: 'send' }>).bytes;
    const out = opts.intercept({
      from: c.idText as string,
      to: byId.get(toKey)?.idText ?? '',
      bytes: payload,
    });
    for (const bytes of out) deliverTo(c, toKey, encodeDeliver(c.id as Uint8Array, bytes));
  }

  function login(c: Conn, frame: RelayFrame): void {
    if (frame.type !== 'auth') {
      sendError(c, 'not-authenticated');
      return;
    }
    let who: ReturnType<typeof verifyRelayAuth>;
    try {
      who = verifyRelayAuth(frame.publicKey, frame.signature, c.challenge, c.endpoint);
    } catch {
      log.warn('relay.auth-failed', {});
      sendError(c, 'auth-failed');
      return;
    }
    const id = identityIdBytes(who.publicKey);
    const key = keyOf(id);
    const previous = byId.get(key);
    // Newest login wins: the old socket is probably a dead tab or a reconnect racing its own ghost.
    if (previous) sendError(previous, 'replaced');
    c.id = id;
    c.key = key;
    c.idText = who.id;
    byId.set(key, c);
    stats.authenticated = byId.size;
    sendTo(c, encodeRelayFrame({ type: 'welcome', id }));
    log.debug('relay.login', { id: who.id });
  }

  function onMessage(c: Conn, raw: Buffer, isBinary: boolean): void {
    if (c.closing) return;
    stats.framesIn++;
    const now = Date.now();
    c.lastSeen = now;
    if (!isBinary) {
      sendError(c, 'malformed-frame', 'text frames are not part of the protocol');
      return;
    }
    if (raw.length > limits.maxFrameBytes) {
      sendError(c, 'frame-too-large');
      return;
    }
    c.tokens = Math.min(limits.rateBurst, c.tokens + ((now - c.lastRefill) * limits.ratePerSecond) / 1000);
    c.lastRefill = now;
    if (c.tokens < 1) {
      // Every dropped frame is counted, but at most one error frame per second is sent: the answer
      // to a flood must not be a flood.
      if (now - c.lastRateError < 1000)
        stats.errors['rate-limited'] = (stats.errors['rate-limited'] ?? 0) + 1;
      else {
        c.lastRateError = now;
        sendError(c, 'rate-limited');
      }
      return;
    }
    c.tokens -= 1;
    try {
      if (!c.id) {
        login(c, decodeRelayFrame(plain(raw)));
        return;
      }
      if (raw[0] === RELAY_VERSION && raw[1] === RELAY_FRAME_CODES.send) {
        onSend(c, raw);
        return;
      }
      const frame = decodeRelayFrame(plain(raw));
      if (frame.type === 'join') {
        join(c, frame.room);
        return;
      }
      if (frame.type === 'leave') {
        leaveRoom(c, frame.room);
        return;
      }
      if (frame.type === 'ping') {
        // The client's heartbeat (browsers cannot send WebSocket pings): echo its sequence number.
        if (sendTo(c, encodeRelayFrame({ type: 'pong', seq: frame.seq }))) stats.pongs++;
        return;
      }
      sendError(c, 'malformed-frame', `unexpected ${frame.type} frame`);
      return;
    } catch (e) {
      sendError(c, e instanceof UnsupportedVersionError ? 'unsupported-version' : 'malformed-frame');
      return;
    }
  }

  function onConnection(ws: WebSocket, req: IncomingMessage): void {
    const now = Date.now();
    const c: Conn = {
      ws,
      challenge: randomBytes(RELAY_CHALLENGE_BYTES),
      endpoint: (req.headers.host ?? '').toLowerCase(),
      openedAt: now,
      lastSeen: now,
      tokens: limits.rateBurst,
      lastRefill: now,
      lastRateError: 0,
      rooms: new Set(),
      closing: false,
    };
    conns.add(c);
    stats.connections = conns.size;
    ws.on('message', (data, isBinary) => onMessage(c, data as Buffer, isBinary));
    ws.on('pong', () => {
      c.lastSeen = Date.now();
    });
    ws.on('close', () => drop(c));
    ws.on('error', (err) => {
      // ws reports frames above its hard cap here (and closes with 1009).
      if ((err as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        stats.errors['frame-too-large'] = (stats.errors['frame-too-large'] ?? 0) + 1;
      else stats.errors['malformed-frame'] = (stats.errors['malformed-frame'] ?? 0) + 1;
      drop(c);
    });
    if (shuttingDown) {
      sendError(c, 'shutting-down');
      return;
    }
    if (conns.size > limits.maxConnections) {
      sendError(c, 'server-full');
      return;
    }
    sendTo(
      c,
      encodeRelayFrame({
        type: 'hello',
        challenge: c.challenge,
        endpoint: c.endpoint,
        maxPayload: limits.maxFrameBytes,
        heartbeatMs: limits.heartbeatMs,
      }),
    );
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (opts.path !== undefined && (req.url ?? '/').split('?')[0] !== opts.path) {
      // Another endpoint's upgrade; when nobody else listens, answer it rather than leave it hanging.
      if (server.listenerCount('upgrade') === 1)
        socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    const host = (req.headers.host ?? '').toLowerCase();
    // The endpoint goes into the hello and the login signature: printable ASCII, bounded.
    if (!/^[\x21-\x7e]{1,255}$/.test(host) || (allowed && !allowed.has(host))) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
  }
  server.on('upgrade', onUpgrade);

  // One timer for every connection: login deadline, silence deadline, and pings (RFC 6455 §5.5.2).
  const tick = Math.max(10, Math.min(limits.heartbeatMs, limits.idleTimeoutMs / 2, limits.authTimeoutMs / 2));
  let lastPing = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const ping = now - lastPing >= limits.heartbeatMs;
    if (ping) lastPing = now;
    for (const c of conns) {
      if (c.closing) continue;
      if (!c.id && now - c.openedAt > limits.authTimeoutMs) sendError(c, 'auth-timeout');
      else if (now - c.lastSeen > limits.idleTimeoutMs) sendError(c, 'idle-timeout');
      else if (ping) c.ws.ping();
    }
  }, tick);
  timer.unref();

  return {
    stats,
    async close({ reason = '' } = {}) {
      if (shuttingDown) return;
      shuttingDown = true;
      clearInterval(timer);
      server.off('upgrade', onUpgrade);
      const sockets = [...conns].map((c) => c.ws);
      const closed = Promise.all(
        sockets.map((ws) =>
          ws.readyState === ws.CLOSED ? undefined : new Promise((r) => ws.once('close', r)),
        ),
      );
      // 60 UTF-16 units are at most 180 UTF-8 bytes: within the detail's 200.
      for (const c of [...conns]) sendError(c, 'shutting-down', reason.slice(0, 60));
      await closed;
      await new Promise<void>((r) => wss.close(() => r()));
      log.debug('relay.closed', { reason });
    },
  };
}

/** Start a relay with its own HTTP server (and static files when `staticDir` is set). */
export async function createRelay(init: CreateRelayInit = {}): Promise<ListeningRelay> {
  const handler = init.staticDir ? await createStaticHandler(init.staticDir) : undefined;
  const server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  const relay = attachRelay(server, init);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(init.port ?? 0, init.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const info = server.address() as AddressInfo;
  const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
  const address: RelayAddress = { host: info.address, port: info.port, url: `ws://${host}:${info.port}/` };
  const unannounce = init.announce?.(address);
  return {
    address,
    stats: relay.stats,
    async close(opts) {
      await unannounce?.();
      await relay.close(opts);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
