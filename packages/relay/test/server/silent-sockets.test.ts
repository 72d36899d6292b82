/**
 * Bare TCP connections that never send a request, against a relay's own HTTP server: one address
 * keeps at most its `maxPendingPerAddress` of them, and those are closed after `authTimeoutMs`;
 * connections that did send a request (HTTP or a WebSocket login) are left alone.
 */
import { connect, type Socket } from 'node:net';
import { createIdentity } from '@lanrtc/signal-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { connectRelay, createRelay, type ListeningRelay } from '../../src/index.js';
import { IN_NETNS } from '../helpers.js';

/** A TCP connection from `localAddress`, resolved once connected; `closed` flips when it closes. */
async function tcp(port: number, localAddress: string) {
  const socket: Socket = connect({ port, host: '127.0.0.1', localAddress });
  const state = { socket, closed: false };
  socket.on('close', () => {
    state.closed = true;
  });
  socket.on('error', () => {});
  await new Promise((r) => socket.once('connect', r));
  return state;
}

describe.skipIf(!IN_NETNS)('relay: connections that never send a request', () => {
  let relay: ListeningRelay | undefined;
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
  });

  it('one address keeps at most its share, each for authTimeoutMs; talking connections stay', async () => {
    relay = await createRelay({ host: '0.0.0.0', limits: { maxPendingPerAddress: 4, authTimeoutMs: 600 } });
    const { port } = relay.address;
    const silent: Awaited<ReturnType<typeof tcp>>[] = [];
    for (let i = 0; i < 40; i++) silent.push(await tcp(port, '127.0.0.2'));
    // All but the address's share are closed at once.
    await vi.waitFor(() => expect(silent.filter((s) => s.closed)).toHaveLength(36), { timeout: 3_000 });
    // Another address logs in meanwhile; a third one makes an HTTP request on a kept-alive connection.
    const openedAt = Date.now();
    const legit = await connectRelay({
      url: `ws://127.0.0.1:${port}/`,
      identity: createIdentity(),
      heartbeat: false,
      WebSocket: class extends WebSocket {
        constructor(url: string) {
          super(url, { localAddress: '127.0.0.3' });
        }
      } as never,
    });
    const http = await tcp(port, '127.0.0.4');
    const answer = new Promise<string>((r) => http.socket.once('data', (d) => r(String(d))));
    http.socket.write(`GET / HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`);
    expect(await answer).toMatch(/^HTTP\/1\.1 404/);
    // Past the deadline: the silent share is closed too; the login and the HTTP client are not.
    await vi.waitFor(() => expect(silent.every((s) => s.closed)).toBe(true), { timeout: 3_000 });
    // Both talking connections are well past their own deadline by now.
    await new Promise((r) => setTimeout(r, Math.max(0, openedAt + 1_000 - Date.now())));
    expect(legit.closeReason).toBeUndefined();
    expect(legit.state).toBe('open');
    expect(http.closed).toBe(false);
    expect(relay.stats.silentSockets).toBe(40);
    http.socket.destroy();
    legit.close();
  });
});
