/**
 * Peers that reach the listener's port but must not reach its application: one that never
 * authenticates (dropped at the deadline, its application channel and messages dropped and counted,
 * nothing sent back), one with an identity the device does not know, one with a wrong pairing
 * secret, peers beyond `maxPendingPeers` from one address, one host opening routes with the public ICE password; and routes
 * that go away when connections close.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDirect } from '../../src/index.js';
import { IN_NETNS, settle, waitFor } from '../peer/pair.js';
import { bindingRequest } from '../werift-patch/stun.js';
import { echo, HOST, owned, pairParties, party, rogueConnector, startListener } from './support.js';

/** A second local address of the namespace: a connector "on another host" for the per-IP cap. */
const OTHER_IP = '127.0.0.1';
const { own, defer, closeAll } = owned();
afterEach(closeAll);

async function until(check: () => boolean, ms: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timeout: ${what}`);
    await settle(20);
  }
  return Date.now() - t0;
}

describe.skipIf(!IN_NETNS)('direct listener against hostile peers (netns)', () => {
  it('drops a peer that never authenticates within the deadline; its app data never reaches the app', async () => {
    const device = await party();
    const { listener, connections } = await startListener(device, { authDeadlineMs: 800 });
    own(listener);
    const certificate = (await party()).certificate;
    const t0 = Date.now();
    const rogue = await rogueConnector(listener.card(), certificate);
    own(rogue.pc);
    await waitFor(rogue.app.stateChanged, (s) => s === 'open', 800, 'rogue app channel open');
    const sending = setInterval(() => {
      if (rogue.app.readyState === 'open') rogue.app.send('let me in');
    }, 20);
    await until(() => listener.stats.peers === 0, 3_000, 'rogue dropped');
    clearInterval(sending);
    expect(Date.now() - t0).toBeLessThan(1_500);
    const stats = listener.stats;
    expect(stats).toMatchObject({
      authTimeouts: 1,
      authFailures: 0,
      connected: 0,
      accepted: 0,
      heldPackets: 0,
    });
    expect(stats.droppedChannels).toBe(1);
    expect(stats.droppedMessages).toBeGreaterThanOrEqual(1);
    expect(connections).toHaveLength(0);
    expect(rogue.received).toEqual([]);
  });

  it('holds at most 8 channels of a peer that has not authenticated; more are closed at once', async () => {
    const device = await party();
    const { listener } = await startListener(device, { authDeadlineMs: 3_000 });
    own(listener);
    const rogue = await rogueConnector(listener.card(), (await party()).certificate);
    own(rogue.pc);
    const extra = Array.from({ length: 11 }, (_, i) => rogue.pc.createDataChannel(`flood-${i}`));
    await until(() => listener.stats.droppedChannels === 12, 2_000, 'all channels seen');
    // The app channel and the first 7 extra ones are held (8); the other 4 are closed by the device.
    await until(() => extra.filter((c) => c.readyState === 'closed').length === 4, 2_000, 'closed');
    expect(extra.slice(0, 7).map((c) => c.readyState)).toEqual(Array(7).fill('open'));
    expect(listener.stats.accepted).toBe(0);
  });

  it('refuses an unknown identity and a wrong pairing secret, counting each as an auth failure', async () => {
    const device = await party();
    const { listener, connections } = await startListener(device);
    own(listener);
    const card = listener.card();
    const stranger = await party();
    await expect(
      connectDirect(card, { ...stranger, peer: { interfaceAddresses: [HOST] } }),
    ).rejects.toMatchObject({ name: expect.stringMatching(/Rejected|NotPaired|UnknownPeer/) });
    await until(() => listener.stats.authFailures === 1 && listener.stats.peers === 0, 3_000, 'failure 1');

    const qr = listener.openQrPairing();
    const wrong = new Uint8Array(qr.secret.length).fill(7);
    await expect(
      connectDirect(card, {
        ...stranger,
        peer: { interfaceAddresses: [HOST] },
        pairing: { kind: 'secret', secret: wrong },
      }),
    ).rejects.toMatchObject({ name: expect.stringMatching(/Pairing|Rejected/) });
    await until(() => listener.stats.authFailures === 2 && listener.stats.peers === 0, 3_000, 'failure 2');
    expect(connections).toHaveLength(0);
    expect(await device.trust.get(stranger.identity.id)).toBeUndefined();
    qr.close();
  });

  it('admits at most maxPendingPeers unauthenticated peers from one address and drops the rest, counted', async () => {
    const device = await party();
    const { listener } = await startListener(device, { maxPendingPeers: 2, authDeadlineMs: 10_000 });
    own(listener);
    const card = listener.card();
    const a = await rogueConnector(card, (await party()).certificate);
    const b = await rogueConnector(card, (await party()).certificate);
    own(a.pc);
    own(b.pc);
    expect(listener.stats.peers).toBe(2);
    const third = await rogueConnector(card, (await party()).certificate, 1_500).catch((e: Error) => e);
    expect(third).toBeInstanceOf(Error);
    expect(listener.stats.rejectedPeers).toBeGreaterThanOrEqual(1);
    expect(listener.stats.peers).toBe(2);
  });

  it('one IP holds at most maxPendingPerIp unauthenticated peers, even ones whose DTLS has started', async () => {
    const device = await party();
    const client = await party();
    await pairParties(device, client);
    const { listener } = await startListener(device, { authDeadlineMs: 8_000 });
    own(listener);
    const { ufrag, pwd } = listener.ice;
    // The card's ICE password is public: one authenticated check per fresh ufrag starts a route and
    // (ICE-lite, werift patch §10) its DTLS. Ten of them from one host, paced so each is admitted alone.
    for (let i = 0; i < 10; i++) {
      const s = dgram.createSocket('udp4');
      await new Promise<void>((r) => s.bind(0, HOST, r));
      defer(() => new Promise<void>((r) => s.close(() => r())));
      const { bytes } = bindingRequest({
        username: `${ufrag}:evil${i}`,
        integrityKey: pwd,
        controlling: true,
      });
      s.send(bytes, listener.port, HOST);
      await settle(100);
    }
    expect(listener.stats).toMatchObject({ peers: 4, rejectedPerIp: 6 });
    // Another host still gets in (and, authenticated, no longer counts against its own IP).
    const conn = await connectDirect(listener.card(), {
      ...client,
      peer: { interfaceAddresses: [OTHER_IP] },
    });
    own(conn);
    expect(await echo(conn)).toBe('ping');
    expect(listener.stats).toMatchObject({ peers: 5, connected: 1 });
  });

  it('clears routes when connections close, from either side', async () => {
    const device = await party();
    const client = await party();
    await pairParties(device, client);
    const { listener, connections } = await startListener(device, { idleTimeoutMs: 2_000 });
    own(listener);
    const conn = await connectDirect(listener.card(), { ...client, peer: { interfaceAddresses: [HOST] } });
    expect(await echo(conn)).toBe('ping');
    await connections[0]?.close();
    expect(listener.stats).toMatchObject({ peers: 0, connected: 0, heldPackets: 0 });
    await conn.close();

    const again = await connectDirect(listener.card(), { ...client, peer: { interfaceAddresses: [HOST] } });
    expect(listener.stats.peers).toBe(1);
    await again.close();
    // The device learns of the close from the peer's SCTP ABORT, well before the idle timeout.
    const ms = await until(
      () => listener.stats.peers === 0 && listener.stats.connected === 0,
      4_000,
      'route cleared',
    );
    expect(ms).toBeLessThan(1_000);
    expect(listener.stats.idleTimeouts).toBe(0);
    expect(listener.stats.heldPackets).toBe(0);
  });
});
