/**
 * The listener's deadlines against in-band authentication's (netns): a pairing whose trust-store
 * write outlasts `authDeadlineMs` is committed, not counted as a timeout; a compare-mode pairing gets
 * signal-core's compare default when `authDeadlineMs` is not set; and the device's connection learns
 * when the connector goes, whether it closes or vanishes.
 */
import type { TrustStore } from '@lanrtc/signal-core';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDirect } from '../../src/index.js';
import { IN_NETNS, settle } from '../peer/pair.js';
import { echo, HOST, owned, pairParties, party, startListener } from './support.js';

const { own, defer, closeAll } = owned();
afterEach(closeAll);

/** `trust` whose writes take `delayMs` longer; `writes` logs when each began and ended. */
function slowTrust(trust: TrustStore, delayMs: number) {
  const writes: { start: number; end: number }[] = [];
  const store: TrustStore = {
    get: (id) => trust.get(id),
    list: () => trust.list(),
    async update(id, fn) {
      const start = Date.now();
      await settle(delayMs);
      const stored = await trust.update(id, fn);
      writes.push({ start, end: Date.now() });
      return stored;
    },
    delete: (id) => trust.delete(id),
  };
  return { store, writes };
}

describe.skipIf(!IN_NETNS)('direct listener deadlines and connection end (netns)', () => {
  it('commits a pairing whose trust-store write runs past authDeadlineMs: accepted, not a timeout', async () => {
    const device = await party();
    const client = await party();
    const deadline = 1_000;
    const slow = slowTrust(device.trust, 1_500);
    const { listener, connections } = await startListener(
      { ...device, trust: slow.store },
      { authDeadlineMs: deadline },
    );
    own(listener);
    const qr = listener.openQrPairing();
    const t0 = Date.now();
    const conn = own(
      await connectDirect(listener.card(), {
        ...client,
        peer: { interfaceAddresses: [HOST] },
        pairing: { kind: 'secret', secret: qr.secret },
      }),
    );
    // The write began before the listener's deadline and ended after it.
    expect(slow.writes).toHaveLength(1);
    expect((slow.writes[0]?.start ?? Infinity) - t0).toBeLessThan(deadline);
    expect((slow.writes[0]?.end ?? 0) - t0).toBeGreaterThan(deadline);
    expect(conn.paired).toBe(true);
    expect(await echo(conn)).toBe('ping');
    expect(connections).toHaveLength(1);
    expect(listener.stats).toMatchObject({
      accepted: 1,
      paired: 1,
      connected: 1,
      authTimeouts: 0,
      authFailures: 0,
    });
    expect(await device.trust.get(client.identity.id)).toBeDefined();
  });

  it('gives a compare-mode pairing signal-core’s compare deadline when authDeadlineMs is unset', async () => {
    const device = await party();
    const client = await party();
    let deviceDigits = '';
    const { listener, connections } = await startListener(device, {
      pairing: {
        mode: () => ({ kind: 'compare' }),
        // A person reading six digits takes longer than the 5 s default of the other paths.
        onCompare: async (digits) => {
          deviceDigits = digits;
          await settle(5_500);
          return true;
        },
      },
    });
    own(listener);
    let clientDigits = '';
    const conn = own(
      await connectDirect(listener.card(), {
        ...client,
        peer: { interfaceAddresses: [HOST] },
        pairing: { kind: 'compare' },
        onCompare: async (digits) => {
          clientDigits = digits;
          return true;
        },
      }),
    );
    expect(conn.paired).toBe(true);
    expect(deviceDigits).toMatch(/^\d{6}$/);
    expect(clientDigits).toBe(deviceDigits);
    expect(connections).toHaveLength(1);
    expect(listener.stats).toMatchObject({ accepted: 1, paired: 1, authTimeouts: 0, authFailures: 0 });
  }, 15_000);

  it('resolves the device connection’s `ended` when the connector closes', async () => {
    const device = await party();
    const client = await party();
    await pairParties(device, client);
    const { listener, connections } = await startListener(device);
    own(listener);
    const conn = await connectDirect(listener.card(), { ...client, peer: { interfaceAddresses: [HOST] } });
    expect(await echo(conn)).toBe('ping');
    const ended = connections[0]?.ended;
    await conn.close();
    const t0 = Date.now();
    expect(await Promise.race([ended, settle(3_000).then(() => 'still open')])).toBe('peer-closed');
    expect(await conn.ended).toBe('closed'); // closed here
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(listener.stats).toMatchObject({ peers: 0, connected: 0 });
  });

  it('resolves the device connection’s `ended` when the connector vanishes without a word', async () => {
    const device = await party();
    const client = await party();
    await pairParties(device, client);
    const { listener, connections } = await startListener(device, { idleTimeoutMs: 1_000 });
    own(listener);
    const conn = await connectDirect(listener.card(), { ...client, peer: { interfaceAddresses: [HOST] } });
    defer(() => conn.close().catch(() => undefined));
    expect(await echo(conn)).toBe('ping');
    const ended = connections[0]?.ended;
    // As if the connector's process died: its socket goes, no SCTP ABORT, no STUN any more.
    const ice = conn.peer.pc.iceTransports[0]?.connection as unknown as {
      protocols: { transport: { socket?: { close(): void } } }[];
    };
    for (const p of ice.protocols) p.transport.socket?.close();
    const t0 = Date.now();
    // The device drops it at its idle timeout: the other side is gone, so `peer-closed`.
    expect(await Promise.race([ended, settle(5_000).then(() => 'still open')])).toBe('peer-closed');
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(listener.stats).toMatchObject({ peers: 0, connected: 0, idleTimeouts: 1 });
  });
});
