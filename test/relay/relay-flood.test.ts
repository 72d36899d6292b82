/**
 * A relay under a flood from one LAN address, on a three-host namespace LAN: host A runs the relay
 * (limits lowered so the floods are small), host B floods it, host C is a legitimate user who must
 * still log in, join a room and relay a message. First flood: hundreds of sockets that never log in
 * (without per-address limits they fill `maxConnections` and every later login gets `server-full`).
 * Second: many identities each joining their rooms (without them they use up `maxRooms`, and nobody
 * else can join one).
 */
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { lines } from '../lan/support.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;

describeLan('relay under a flood from one address (namespace LAN)', () => {
  let lan: Lan | undefined;
  afterEach(async () => {
    await lan?.close();
    lan = undefined;
  });

  async function setup(limits: Record<string, number>) {
    lan = await createLan({ hosts: 3 });
    const [a, b, c] = lan.hosts as [Lan['hosts'][number], Lan['hosts'][number], Lan['hosts'][number]];
    const relay = lines(a.node(fixture('relay.ts'), [a.ip, JSON.stringify(limits)]));
    const { port } = await relay.next('ready', 30_000);
    return { a, b, c, relay, url: `ws://${a.ip}:${port}/` };
  }

  it('400 sockets that never log in, from host B: a client on host C still logs in, joins and relays', async () => {
    // 300 sockets at most, 16 of them not logged in per address: B's flood holds 16 and is refused the
    // rest. A long login deadline, so no held socket times out and frees its slot during the test.
    const { b, c, url } = await setup({
      maxConnections: 300,
      maxPendingPerAddress: 16,
      authTimeoutMs: 60_000,
    });
    const flood = lines(b.node(fixture('flood.ts'), [url, '400', '1000']));
    const flooded = await flood.next('flooded', 30_000);
    // The flood really happened and is still held open while C logs in.
    expect(flooded.count).toBe(400);
    expect(flooded.held as number).toBeGreaterThan(0);
    const legit = lines(c.node(fixture('legit.ts'), [url, 'kitchen']));
    const result = await legit.next('result', 30_000);
    expect(result.reason ?? result.outcome).toBe('ok');
    expect(result).toMatchObject({ outcome: 'ok', text: 'hello past the flood', members: 1 });
    // What B got: at most its share held, every other socket refused by address.
    const held = flooded.held as number;
    const failed = flooded.failed as number;
    expect(held).toBeLessThanOrEqual(16);
    // The rest were refused by address; some may be cut even earlier, as bare TCP connections past the
    // address's share before their upgrade request arrived (no frame: "failed").
    expect(Object.keys(flooded.refused as object)).toEqual(['address-full']);
    expect((flooded.refused as Record<string, number>)['address-full']).toBe(400 - held - failed);
  }, 90_000);

  it('identities from host B joining rooms until the relay has none left: host C still joins a room', async () => {
    // 40 rooms on the relay, at most 12 rooms and 6 logins per address. B tries 10 identities × 8 rooms.
    const { b, c, url } = await setup({
      maxRooms: 40,
      maxRoomsPerConnection: 8,
      maxRoomsPerAddress: 12,
      maxLoginsPerAddress: 6,
    });
    const hog = lines(b.node(fixture('room-flood.ts'), [url, '10', '8']));
    const hogged = await hog.next('hogged', 60_000);
    expect(hogged.logins as number).toBeGreaterThan(0);
    const legit = lines(c.node(fixture('legit.ts'), [url, 'kitchen']));
    const result = await legit.next('result', 30_000);
    expect(result.reason ?? result.outcome).toBe('ok');
    expect(result).toMatchObject({ outcome: 'ok', text: 'hello past the flood', members: 1 });
    // B was held to its address's share of logins and rooms.
    expect(hogged).toMatchObject({ logins: 6, joined: 12 });
    expect(hogged.refused).toEqual({ 'address-full': 4, 'too-many-rooms': 6 * 8 - 12 });
  }, 120_000);
});
