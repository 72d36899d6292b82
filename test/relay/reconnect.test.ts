/**
 * The reconnecting relay client against real relays on 127.0.0.1 (inside the private namespace): a
 * relay restarted on the same port is redialled, logged in again, rooms re-joined and a frame sent
 * during the outage delivered; `replaced` is terminal. Then issue 4's integration test 5: two Node
 * agents (werift on 10.77.0.1) paired by PIN connect again after a relay restart without re-pairing,
 * and a connect() started while the relay is down completes once it is back.
 */
import type { WeriftSessionPeer } from '@lanrtc/node-agent';
import { connectRelay, createRelay, type ListeningRelay } from '@lanrtc/relay';
import { type Connection, createIdentity, type RelayClientState } from '@lanrtc/signal-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestNode, echoOnce } from '../kit/agents.js';

const IN_NETNS = process.env.LANRTC_IN_NETNS === '1';

const FAST = { initialMs: 50, maxMs: 200 } as const;

describe.skipIf(!IN_NETNS)('reconnecting relay client (real relay)', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  async function relayOn(port = 0): Promise<ListeningRelay> {
    const relay = await createRelay({ port });
    cleanup.push(() => relay.close());
    return relay;
  }
  async function restart(relay: ListeningRelay): Promise<ListeningRelay> {
    await relay.close({ reason: 'restart' });
    return relayOn(relay.address.port);
  }
  async function clientOf(url: string, states: RelayClientState[] = [], identity = createIdentity()) {
    const c = await connectRelay({ url, identity, reconnect: FAST });
    // The state at subscription first (`open`), then every change.
    states.push(c.state);
    c.onStateChange((s) => states.push(s));
    cleanup.push(() => c.close());
    return c;
  }

  it('a relay restarted on the same port: re-login, rooms re-joined, a frame sent during the outage arrives', async () => {
    const relay = await relayOn();
    const statesA: RelayClientState[] = [];
    const a = await clientOf(relay.address.url, statesA);
    const b = await clientOf(relay.address.url);
    await a.join('kitchen');
    expect(await b.join('kitchen')).toEqual([a.localId]);
    const inbox = b.messages[Symbol.asyncIterator]();

    await relay.close({ reason: 'restart' });
    await vi.waitFor(() => expect([a.state, b.state]).toEqual(['reconnecting', 'reconnecting']));
    await a.send(b.localId, new Uint8Array([42]));
    expect(a.stats.queued).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    const relay2 = await relayOn(relay.address.port);

    const got = await inbox.next();
    expect(got.done).toBe(false);
    expect(got.value?.from).toBe(a.localId);
    expect(Array.from(got.value?.bytes ?? [])).toEqual([42]);
    await vi.waitFor(() => expect([a.state, b.state]).toEqual(['open', 'open']));
    expect(statesA).toEqual(['open', 'reconnecting', 'open']);
    expect(a.stats.reconnects).toBe(1);
    expect(a.closeReason).toBeUndefined();
    // Both are back in the room on the new relay, without the app joining again.
    const c = await clientOf(relay2.address.url);
    expect((await c.join('kitchen')).sort()).toEqual([a.localId, b.localId].sort());
    expect(relay2.stats.authenticated).toBe(3);
  });

  it('a frame sent just after my re-login to a peer that is not back yet arrives once it logs in', async () => {
    const relay = await relayOn();
    const a = await connectRelay({
      url: relay.address.url,
      identity: createIdentity(),
      reconnect: { initialMs: 200, maxMs: 200 },
    });
    cleanup.push(() => a.close());
    const bIdentity = createIdentity();
    const b = await connectRelay({ url: relay.address.url, identity: bIdentity });
    await relay.close({ reason: 'restart' });
    await vi.waitFor(() => expect(b.state).toBe('closed')); // b has no reconnect: it is gone for now
    const relay2 = await relayOn(relay.address.port);
    await vi.waitFor(() => expect(a.state).toBe('open'));
    // Sent live (not queued): the relay does not know b yet and answers `unknown-recipient`.
    await a.send(b.localId, new Uint8Array([7]));
    expect(a.stats.queued).toBe(0);
    await vi.waitFor(() => expect(relay2.stats.errors['unknown-recipient']).toBeGreaterThan(0));
    // b logs in again later (a new connection, same identity) and still gets the frame.
    const b2 = await connectRelay({ url: relay2.address.url, identity: bIdentity });
    cleanup.push(() => b2.close());
    const got = await b2.messages[Symbol.asyncIterator]().next();
    expect(got.value?.from).toBe(a.localId);
    expect(Array.from(got.value?.bytes ?? [])).toEqual([7]);
    expect(a.stats.resent).toBeGreaterThan(0);
  });

  it('`replaced` by a second login of the same identity: no redial', async () => {
    const relay = await relayOn();
    const identity = createIdentity();
    const states: RelayClientState[] = [];
    const first = await clientOf(relay.address.url, states, identity);
    await clientOf(relay.address.url, [], identity);
    await vi.waitFor(() => expect(first.state).toBe('closed'));
    await new Promise((r) => setTimeout(r, 400));
    expect(states).toEqual(['open', 'closed']);
    expect(first.closeReason).toBe('replaced');
    expect(first.stats.attempts).toBe(0);
    // A redial would have evicted the newer login in turn (a second `replaced`).
    expect(relay.stats.errors.replaced).toBe(1);
    expect(relay.stats.authenticated).toBe(1);
    expect(relay.stats.connections).toBe(1);
  });

  it('explicit close() while the relay is down: no redial reaches the relay when it is back', async () => {
    const relay = await relayOn();
    const a = await clientOf(relay.address.url);
    const relay2 = await restart(relay).then(async (r) => {
      await r.close();
      return r;
    });
    await vi.waitFor(() => expect(a.stats.attempts).toBeGreaterThan(0));
    a.close();
    const attempts = a.stats.attempts;
    const relay3 = await relayOn(relay2.address.port);
    await new Promise((r) => setTimeout(r, 600));
    expect(a.stats.attempts).toBe(attempts);
    expect(relay3.stats.connections).toBe(0);
  });
});

/** A werift agent signalling over a reconnecting relay client. */
const makeNode = (url: string) =>
  createTestNode({
    transport: (identity) => connectRelay({ url, identity, reconnect: FAST }),
    timeoutMs: 4_000,
  });
type Node = Awaited<ReturnType<typeof makeNode>>;

async function connectAndEcho(a: Node, b: Node, text: string): Promise<void> {
  const before = b.incoming.length;
  const conn = await a.agent.connect(b.identity.id);
  await vi.waitFor(() => expect(b.incoming).toHaveLength(before + 1), { timeout: 5_000 });
  const back = b.incoming[before] as Connection<WeriftSessionPeer>;
  expect(await echoOnce(conn, back, text)).toBe(`echo:${text}`);
  await conn.close();
  await back.close();
}

describe.skipIf(!IN_NETNS)(
  'integration test 5: relay restart during an idle session (werift, 10.77.0.1)',
  () => {
    const cleanup: (() => unknown)[] = [];
    afterEach(async () => {
      for (const c of cleanup.splice(0).reverse()) await c();
    });

    it('clients reconnect and the agents signal again without re-pairing; a connect() begun during the outage completes', async () => {
      let relay = await createRelay();
      const port = relay.address.port;
      cleanup.push(() => relay.close());
      const a = await makeNode(relay.address.url);
      const b = await makeNode(relay.address.url);
      cleanup.push(
        () => a.agent.close(),
        () => b.agent.close(),
      );
      const display = b.agent.showPin();
      const stop = () => display.close();
      await a.agent.enterPin(b.identity.id, display.pin());
      await vi.waitFor(async () => expect(await b.trust.get(a.identity.id)).toBeDefined(), {
        timeout: 5_000,
      });
      stop();
      await connectAndEcho(a, b, 'before restart');

      // Restart while idle: both clients redial and log in again; no pairing happens again.
      await relay.close({ reason: 'restart' });
      relay = await createRelay({ port });
      await vi.waitFor(() => expect([a.transport.state, b.transport.state]).toEqual(['open', 'open']), {
        timeout: 5_000,
      });
      await connectAndEcho(a, b, 'after restart');
      expect(a.transport.stats.reconnects).toBe(1);
      expect(b.transport.stats.reconnects).toBe(1);

      // The relay goes down and a connect() starts meanwhile: its offer waits in the client's buffer
      // and the exchange resumes once the relay is back, inside the agent's 4 s timeout.
      await relay.close({ reason: 'restart' });
      await vi.waitFor(() => expect(a.transport.state).toBe('reconnecting'));
      const started = Date.now();
      const pending = a.agent.connect(b.identity.id);
      await new Promise((r) => setTimeout(r, 400));
      relay = await createRelay({ port });
      const conn = await pending;
      const took = Date.now() - started;
      await vi.waitFor(() => expect(b.incoming).toHaveLength(3), { timeout: 5_000 });
      const back = b.incoming[2] as Connection<WeriftSessionPeer>;
      expect(await echoOnce(conn, back, 'resumed')).toBe('echo:resumed');
      expect(took).toBeLessThan(4_000);
      expect(a.transport.stats.queued).toBeGreaterThan(0);
      console.log(`connect() across a 400 ms relay outage took ${took} ms; stats A`, a.transport.stats);
      await conn.close();
      await back.close();
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
    });
  },
);
