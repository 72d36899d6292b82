/**
 * The relay: a WebSocket server that logs clients in by identity key (challenge–response), routes
 * opaque frames by identity id, keeps rooms with presence, and enforces every limit with an error
 * frame and a counter (docs/PROTOCOL.md §"Relay protocol"). It never parses what it forwards: those
 * are sealed envelopes, and the `deliver` sender id is the authenticated one, so it can drop frames
 * but cannot forge or alter them undetectably. This file owns the connections' lifecycle and
 * routing, the login deadline and the per-address share of the sockets; rooms, logins, the rate
 * limit and the upgrade gate are in `server/`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { UnsupportedVersionError } from '@lanrtc/signal-core';
import {
  decodeRelayFrame,
  encodeDeliver,
  encodeRelayFrame,
  RELAY_CHALLENGE_BYTES,
  RELAY_CLOSE_CODES,
  RELAY_FRAME_CODES,
  RELAY_VERSION,
  type RelayErrorCode,
  type RelayFrame,
  sendToDeliver,
} from '@lanrtc/signal-core/protocol';
import { NOOP_LOGGER } from '@lanrtc/signal-core/session';
import { type WebSocket, WebSocketServer } from 'ws';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './limits.js';
import { addressKey } from './server/address.js';
import { createAddressTable } from './server/address-use.js';
import { type Conn, keyOf, plain } from './server/connection.js';
import { createLogins } from './server/logins.js';
import type { Relay, RelayOptions, RelayStats } from './server/options.js';
import type { Outbound } from './server/outbound.js';
import { createRateBucket } from './server/rate-limit.js';
import { createRelayRooms } from './server/rooms.js';
import { createUpgradeGate } from './server/upgrade-gate.js';

/** Attach a relay to an existing HTTP server (its `upgrade` event); the caller owns the server. */
export function attachRelay(server: Server, opts: RelayOptions = {}): Relay {
  return attachRelayWith(server, opts);
}

/**
 * `attachRelay`, telling `onUpgradeSocket` of every upgrade the server hands it (`createRelay` uses
 * it to stop counting that connection as silent; an `upgrade` listener of its own would make the
 * relay think it is not the sole listener).
 */
export function attachRelayWith(
  server: Server,
  opts: RelayOptions,
  onUpgradeSocket?: (socket: Duplex) => void,
): Relay {
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, ...opts.limits };
  const log = opts.logger ?? NOOP_LOGGER;
  const gate = createUpgradeGate(opts);
  // ws enforces a hard cap at twice the limit (closing with 1009); in between the relay answers with
  // its own `frame-too-large` error frame so the client learns why.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes * 2,
    perMessageDeflate: false,
  });
  const conns = new Set<Conn>();
  /** Sockets not logged in yet, oldest first (a Set keeps insertion order): the eviction order. */
  const pending = new Set<Conn>();
  const addresses = createAddressTable();
  const stats: RelayStats = {
    connections: 0,
    authenticated: 0,
    pending: 0,
    addresses: 0,
    evicted: 0,
    silentSockets: 0,
    rooms: 0,
    framesIn: 0,
    forwarded: 0,
    bytesForwarded: 0,
    pongs: 0,
    errors: {},
  };
  const out: Outbound = { sendTo, sendError };
  const rooms = createRelayRooms(limits, addresses, stats, out);
  const logins = createLogins(limits, addresses, stats, log, out);
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
    const closeCode = RELAY_CLOSE_CODES[code];
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

  /** Take a connection out of routing and out of its address's share (idempotent). */
  function drop(c: Conn): void {
    if (!conns.delete(c)) return;
    clearTimeout(c.authTimer);
    const use = addresses.use(c.address);
    if (pending.delete(c)) use.pending--;
    else if (c.id) use.logins--;
    for (const room of [...c.rooms]) rooms.leave(c, room);
    logins.remove(c);
    addresses.release(c.address);
    counted();
  }

  function counted(): void {
    stats.connections = conns.size;
    stats.pending = pending.size;
    stats.addresses = addresses.size;
  }

  /** `c` just logged in: it leaves the pending sockets and takes one of its address's login slots. */
  function loggedIn(c: Conn): void {
    clearTimeout(c.authTimer);
    pending.delete(c);
    const use = addresses.use(c.address);
    use.pending--;
    use.logins++;
    counted();
  }

  /**
   * At `maxConnections`, make room for `c` by closing the oldest socket of another address that has
   * not logged in: a flood of sockets that never log in cannot lock out a host that does. False
   * when there is none (every socket is logged in, or all pending ones are `c`'s address's).
   */
  function evictFor(c: Conn): boolean {
    for (const p of pending) {
      if (p === c || p.address === c.address) continue;
      stats.evicted++;
      log.warn('relay.evicted', { address: p.address });
      sendError(p, 'server-full', 'evicted: not logged in');
      return true;
    }
    return false;
  }

  function deliverTo(from: Conn, toKey: string, frame: Uint8Array): void {
    const target = logins.get(toKey);
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
    const { to, deliver } = sendToDeliver(plain(raw), c.id as Uint8Array);
    const toKey = keyOf(to);
    if (!opts.intercept) {
      deliverTo(c, toKey, deliver);
      return;
    }
    const payload = (decodeRelayFrame(plain(raw)) as Extract<RelayFrame, { type: 'send' }>).bytes;
    const intercepted = opts.intercept({
      from: c.idText as string,
      to: logins.get(toKey)?.idText ?? '',
      bytes: payload,
    });
    for (const bytes of intercepted) deliverTo(c, toKey, encodeDeliver(c.id as Uint8Array, bytes));
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
    const verdict = c.rate.take(now);
    if (verdict === 'limited-quietly') {
      stats.errors['rate-limited'] = (stats.errors['rate-limited'] ?? 0) + 1;
      return;
    }
    if (verdict === 'limited') {
      sendError(c, 'rate-limited');
      return;
    }
    try {
      if (!c.id) {
        logins.login(c, decodeRelayFrame(plain(raw)));
        if (c.id) loggedIn(c);
        return;
      }
      if (raw[0] === RELAY_VERSION && raw[1] === RELAY_FRAME_CODES.send) {
        onSend(c, raw);
        return;
      }
      const frame = decodeRelayFrame(plain(raw));
      if (frame.type === 'join') {
        rooms.join(c, frame.room);
        return;
      }
      if (frame.type === 'leave') {
        rooms.leave(c, frame.room);
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
      address: addressKey(req.socket.remoteAddress),
      challenge: randomBytes(RELAY_CHALLENGE_BYTES),
      endpoint: (req.headers.host ?? '').toLowerCase(),
      openedAt: now,
      lastSeen: now,
      rate: createRateBucket(limits, now),
      rooms: new Set(),
      closing: false,
    };
    conns.add(c);
    pending.add(c);
    const use = addresses.use(c.address);
    use.pending++;
    counted();
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
    // Refused after the upgrade, not before: the client learns why from a typed error frame.
    if (use.pending > limits.maxPendingPerAddress) {
      log.warn('relay.address-full', { address: c.address, what: 'pending' });
      sendError(c, 'address-full', 'too many sockets not logged in from this address');
      return;
    }
    if (conns.size > limits.maxConnections && !evictFor(c)) {
      sendError(c, 'server-full');
      return;
    }
    c.authTimer = setTimeout(() => {
      if (!c.id && !c.closing) sendError(c, 'auth-timeout');
    }, limits.authTimeoutMs);
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
    onUpgradeSocket?.(socket);
    if (!gate(req, socket, server.listenerCount('upgrade') === 1)) return;
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
  }
  server.on('upgrade', onUpgrade);

  // One timer for every connection: silence deadline and pings (RFC 6455 §5.5.2). The login deadline
  // is a timer per socket, so it holds to the millisecond whatever the tick.
  const tick = Math.max(10, Math.min(limits.heartbeatMs, limits.idleTimeoutMs / 2));
  let lastPing = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const ping = now - lastPing >= limits.heartbeatMs;
    if (ping) lastPing = now;
    for (const c of conns) {
      if (c.closing) continue;
      if (now - c.lastSeen > limits.idleTimeoutMs) sendError(c, 'idle-timeout');
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
