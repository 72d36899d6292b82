/**
 * The client heartbeat against a real relay on 127.0.0.1 (inside the private namespace): the relay
 * answers `ping` with `pong`, so a quiet connection stays up; a relay that freezes (a TCP proxy in
 * front of it stops forwarding while both sockets stay open: a half-open connection, as a hung
 * relay or a dead link gives) is detected within `intervalMs + timeoutMs` and redialled.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createIdentity, type RelayError, RelayUnresponsiveError } from '@lanrtc/signal-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectRelay, createRelay } from '../../src/index.js';
import { IN_NETNS } from '../helpers.js';

/** A TCP proxy to `port`; `freeze()` stops forwarding on the connections open now (they stay open). */
async function proxyTo(port: number): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  const pairs: [Socket, Socket][] = [];
  const server: Server = createServer((client) => {
    const upstream = new (client.constructor as typeof Socket)();
    upstream.connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    pairs.push([client, upstream]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no proxy address');
  return {
    port: address.port,
    freeze() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((r) => server.close(r));
    },
  };
}

describe.skipIf(!IN_NETNS)('relay client heartbeat (real relay)', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('the relay answers ping with pong: a quiet connection stays up', async () => {
    const relay = await createRelay({ port: 0, host: '127.0.0.1' });
    cleanup.push(() => relay.close());
    const conn = await connectRelay({
      url: relay.address.url,
      identity: createIdentity(),
      heartbeat: { intervalMs: 100, timeoutMs: 100 },
    });
    cleanup.push(() => conn.close());
    await new Promise((r) => setTimeout(r, 1_000));
    expect(conn.state).toBe('open');
    expect(conn.stats.pings).toBeGreaterThanOrEqual(5);
    expect(relay.stats.pongs).toBe(conn.stats.pings);
    expect(conn.stats.heartbeatTimeouts).toBe(0);
  });

  it('a frozen relay (half-open TCP) is detected within intervalMs + timeoutMs and redialled', async () => {
    const relay = await createRelay({ port: 0, host: '127.0.0.1' });
    cleanup.push(() => relay.close());
    const proxy = await proxyTo(relay.address.port);
    cleanup.push(() => proxy.close());
    const heartbeat = { intervalMs: 300, timeoutMs: 200 };
    let detectedAt = 0;
    const errors: RelayError[] = [];
    const conn = await connectRelay({
      url: `ws://127.0.0.1:${proxy.port}/`,
      identity: createIdentity(),
      heartbeat,
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    conn.onError((e) => {
      errors.push(e);
      detectedAt ||= performance.now();
    });
    cleanup.push(() => conn.close());
    const frozenAt = performance.now();
    proxy.freeze();
    await vi.waitFor(() => expect(conn.stats.heartbeatTimeouts).toBe(1), { timeout: 3_000, interval: 10 });
    const ms = detectedAt - frozenAt;
    // Quiet for intervalMs → ping; unanswered for timeoutMs → gone; checks every 50 ms.
    expect(ms).toBeGreaterThanOrEqual(heartbeat.intervalMs + heartbeat.timeoutMs - 60);
    expect(ms).toBeLessThan(heartbeat.intervalMs + heartbeat.timeoutMs + 250);
    expect(errors[0]).toBeInstanceOf(RelayUnresponsiveError);
    // The redial goes through the proxy again (new connection, forwarded): logged in once more.
    await vi.waitFor(() => expect(conn.state).toBe('open'), { timeout: 3_000 });
    expect(conn.stats.reconnects).toBe(1);
    console.log(JSON.stringify({ test: 'relay heartbeat', detectMs: Math.round(ms), ...heartbeat }));
  });
});
