/**
 * Direct connect, Node → Node in the private netns: a werift connector that knows only the card
 * reaches a listener on its shared port and authenticates in-band — proof path, QR pairing path,
 * several connectors at once, and a certificate rotation that paired peers survive.
 */
import { type Card, decodeQrPayload } from '@lanrtc/signal-core';
import { afterEach, describe, expect, it } from 'vitest';
import { describeTransport } from '../../src/direct/connection.js';
import { certificateFingerprint, connectDirect, createDtlsCertificate } from '../../src/index.js';
import { IN_NETNS } from '../peer/pair.js';
import { echo, HOST, owned, type Party, pairParties, party, startListener } from './support.js';

const { own, closeAll } = owned();
afterEach(closeAll);
const connect = async (card: Card, who: Party, extra = {}) =>
  own(await connectDirect(card, { ...who, peer: { interfaceAddresses: [HOST] }, ...extra }));

describe.skipIf(!IN_NETNS)('direct listener (netns)', () => {
  it('a paired connector reaches the card and echoes on an app channel (proof path)', async () => {
    const device = await party();
    const client = await party();
    await pairParties(device, client);
    const { listener, connections } = await startListener(device);
    own(listener);
    const card = listener.card();
    expect(card.candidates).toEqual([{ address: HOST, port: listener.port }]);
    expect(card.ice).toEqual(listener.ice);
    const conn = await connect(card, client);
    expect(conn.remote.id).toBe(device.identity.id);
    expect(conn.paired).toBe(false);
    expect(conn.remoteFingerprint).toEqual(certificateFingerprint(device.certificate));
    expect(await echo(conn)).toBe('ping');
    // What an error names when a connection attempt ends early, here for a working one.
    expect(describeTransport(conn.peer.pc)).toBe(
      'connection connected (ICE connected, DTLS connected, SCTP established)',
    );
    expect(connections).toHaveLength(1);
    expect(connections[0]?.remote.id).toBe(client.identity.id);
    expect(connections[0]?.remoteFingerprint).toEqual(certificateFingerprint(client.certificate));
    expect(listener.stats).toMatchObject({ peers: 1, connected: 1, accepted: 1, authFailures: 0 });
    // The device's ICE runs on the listener's shared port: no socket of its own.
    const deviceIce = connections[0]?.peer.pc.iceTransports[0]?.connection as unknown as
      | { protocols: { transport: { port: number; socket?: unknown } }[] }
      | undefined;
    const protocols = deviceIce?.protocols ?? [];
    expect(protocols.map((p) => [p.transport.port, p.transport.socket])).toEqual([
      [listener.port, undefined],
    ]);
  });

  it('refuses bad options with typed errors and leaves no socket bound', async () => {
    const device = await party();
    const port = (await startListener(device)).listener;
    const free = port.port;
    await port.close();
    await expect(startListener(device, { addresses: [] })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
    });
    await expect(startListener(device, { addresses: ['10.99.99.99'] })).rejects.toMatchObject({
      name: 'InterfaceNotFoundError',
    });
    await expect(startListener(device, { port: free, name: 'x'.repeat(40) })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
    });
    await expect(
      startListener(device, { port: free, ice: { ufrag: 'a', pwd: 'short' } }),
    ).rejects.toMatchObject({
      name: 'InvalidArgumentError',
    });
    // A NaN or zero limit would lift a cap or drop every peer at once.
    for (const bad of [
      { maxPeers: Number.NaN },
      { maxPendingPeers: 0 },
      { maxPendingPerIp: 0 },
      { maxHeldPackets: -1 },
      { maxHeldTotal: 1.5 },
      { authDeadlineMs: Number.NaN },
      { idleTimeoutMs: 0 },
      { cardLifetimeS: Number.POSITIVE_INFINITY },
    ]) {
      await expect(startListener(device, { port: free, ...bad })).rejects.toMatchObject({
        name: 'InvalidArgumentError',
        message: `${Object.keys(bad)[0]} must be a positive integer`,
      });
    }
    // The failed starts released the port.
    const again = (await startListener(device, { port: free })).listener;
    own(again);
    expect(again.port).toBe(free);
  });

  it('keeps a card valid across a restart with persisted ICE credentials and port', async () => {
    const device = await party();
    const client = await party();
    await pairParties(device, client);
    const first = (await startListener(device)).listener;
    const { ice, port } = first;
    const card = first.card();
    await first.close();
    const { listener } = await startListener(device, { ice, port });
    own(listener);
    expect(listener.ice).toEqual(ice);
    const conn = await connect(card, client); // the card issued before the restart
    expect(await echo(conn)).toBe('ping');
  });

  it('pairs through a one-time QR pairing card, then reconnects on the proof path', async () => {
    const device = await party();
    const client = await party();
    const { listener, connections } = await startListener(device);
    own(listener);
    const qr = listener.openQrPairing();
    const payload = decodeQrPayload(qr.text);
    if (payload.kind !== 'pairing-card') throw new Error(`unexpected QR kind ${payload.kind}`);
    expect(payload.secret).toEqual(qr.secret);
    const conn = await connect(payload.card, client, { pairing: { kind: 'secret', secret: payload.secret } });
    expect(conn.paired).toBe(true);
    expect(await echo(conn, 'app', 'after pairing')).toBe('after pairing');
    expect(await device.trust.get(client.identity.id)).toBeDefined();
    expect(await client.trust.get(device.identity.id)).toBeDefined();
    expect(listener.stats.paired).toBe(1);
    await conn.close();

    // The secret was consumed: a stranger holding it is refused.
    const stranger = await party();
    await expect(
      connectDirect(payload.card, {
        ...stranger,
        peer: { interfaceAddresses: [HOST] },
        pairing: { kind: 'secret', secret: payload.secret },
      }),
    ).rejects.toMatchObject({ name: expect.stringMatching(/Rejected|Pairing|NotPaired/) });

    // The paired client needs no secret any more.
    const again = await connect(listener.card(), client);
    expect(again.paired).toBe(false);
    expect(await echo(again)).toBe('ping');
    expect(connections.filter((c) => c.remote.id === client.identity.id)).toHaveLength(2);
  });

  it('lets a QR pairing card pair one peer only, even when two use it at once', async () => {
    const device = await party();
    const { listener } = await startListener(device);
    own(listener);
    const qr = listener.openQrPairing();
    const card = listener.card();
    const pairing = { kind: 'secret', secret: qr.secret } as const;
    const [one, two] = await Promise.allSettled(
      [await party(), await party()].map(async (who) => connect(card, who, { pairing })),
    );
    const outcomes = [one, two].map((r) => r?.status).sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const refused = [one, two].find((r) => r?.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ name: expect.stringMatching(/Rejected|PairingNotOpen/) });
    expect(listener.stats.paired).toBe(1);
  });

  it('gives stream ids by DTLS role: device (ICE-controlled, DTLS server) odd, connector even', async () => {
    const device = await party();
    const client = await party();
    await pairParties(device, client);
    const { listener, connections } = await startListener(device);
    own(listener);
    const conn = await connect(listener.card(), client);
    await echo(conn);
    const fromClient = conn.peer.createDataChannel('from-client');
    const fromDevice = connections[0]?.peer.createDataChannel('from-device');
    await Promise.all([conn.peer.channel('from-client'), connections[0]?.peer.channel('from-device')]);
    expect(conn.peer.pc.dtlsTransports[0]?.role).toBe('client');
    expect(connections[0]?.peer.pc.dtlsTransports[0]?.role).toBe('server');
    expect((fromClient.id ?? 1) % 2).toBe(0);
    expect((fromDevice?.id ?? 0) % 2).toBe(1);
    // Both ends agree on which channel is which (no id collision).
    const atClient = await conn.peer.channel('from-device');
    expect(atClient.id).toBe(fromDevice?.id);
  });

  it('serves 4 concurrent connectors on the same card', async () => {
    const device = await party();
    const clients = await Promise.all([party(), party(), party(), party()]);
    for (const c of clients) await pairParties(device, c);
    const { listener, connections } = await startListener(device);
    own(listener);
    const card = listener.card();
    const conns = await Promise.all(clients.map((c) => connect(card, c)));
    const replies = await Promise.all(conns.map((c, i) => echo(c, 'app', `hello ${i}`)));
    expect(replies).toEqual(['hello 0', 'hello 1', 'hello 2', 'hello 3']);
    expect(new Set(connections.map((c) => c.remote.id))).toEqual(new Set(clients.map((c) => c.identity.id)));
    expect(listener.stats).toMatchObject({ peers: 4, connected: 4, accepted: 4 });
  });

  it('keeps paired peers working across a certificate rotation (next fingerprint in the card)', async () => {
    const device = await party();
    const client = await party();
    await pairParties(device, client);
    const next = await createDtlsCertificate();
    const { listener } = await startListener(device, { nextCertificate: next });
    own(listener);
    expect(listener.card().nextFingerprint).toEqual(certificateFingerprint(next));
    const first = await connect(listener.card(), client);
    expect(await echo(first)).toBe('ping');

    listener.rotateCertificate(next);
    const rotated = listener.card();
    expect(rotated.fingerprint).toEqual(certificateFingerprint(next));
    expect(rotated.nextFingerprint).toBeUndefined();
    const second = await connect(rotated, client);
    expect(second.paired).toBe(false);
    expect(second.remoteFingerprint).toEqual(certificateFingerprint(next));
    expect(await echo(second, 'b', 'rotated')).toBe('rotated');
    // The connection made before the rotation still works.
    expect(await echo(first, 'again', 'still here')).toBe('still here');
  });
});
