/**
 * `agent.acceptSecret` (a reusable secret pairing window: a room's join QR code) and
 * `agent.signRoomMessage` (signing restricted to the room domains), on real agents over the
 * in-memory network.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyWithDomain } from '../../src/identity/identity.js';
import { InvalidArgumentError, PairingFailedError, PeerRejectedError } from '../../src/index.js';
import { ROOM_NAME_DOMAIN, ROOM_ROSTER_DOMAIN } from '../../src/room/roster.js';
import { createTestLan, type TestLan } from '../room/support.js';

let lan: TestLan;
afterEach(async () => {
  await lan?.close();
});

describe('agent.acceptSecret', () => {
  it('pairs every peer that proves the secret until closed; a wrong secret fails', async () => {
    lan = createTestLan();
    const host = lan.agent('host');
    const secret = new Uint8Array(16).fill(4);
    const display = host.acceptSecret(secret);
    const paired: string[] = [];
    display.onPaired((r) => paired.push(r.peer.id));
    const [a, b, c, d] = [lan.agent('player'), lan.agent('player'), lan.agent('player'), lan.agent('player')];
    await a.pair(host.id, { kind: 'secret', secret });
    await b.pair(host.id, { kind: 'secret', secret });
    expect(paired).toEqual([a.id, b.id]);
    expect(await host.trust.get(b.id)).toBeDefined();
    const wrong = await c
      .pair(host.id, { kind: 'secret', secret: new Uint8Array(16).fill(5) })
      .catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(PairingFailedError);
    display.close();
    const closed = await d.pair(host.id, { kind: 'secret', secret }).catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(PeerRejectedError);
    expect((closed as PeerRejectedError).reason).toBe('PairingNotOpenError');
    expect(await host.trust.get(d.id)).toBeUndefined();
  });

  it('refuses a secret of the wrong size', () => {
    lan = createTestLan();
    expect(() => lan.agent('host').acceptSecret(new Uint8Array(4))).toThrow(InvalidArgumentError);
  });
});

describe('agent.signRoomMessage', () => {
  it('signs under the room domains only', () => {
    lan = createTestLan();
    const agent = lan.agent('host');
    const message = new Uint8Array([1, 2, 3]);
    for (const domain of [ROOM_NAME_DOMAIN, ROOM_ROSTER_DOMAIN]) {
      const sig = agent.signRoomMessage(domain, message);
      expect(verifyWithDomain(agent.identity.publicKey, domain, message, sig)).toBe(true);
    }
    for (const domain of ['lanrtc/envelope/offer/v1', 'lanrtc/card/v1', 'lanrtc/room/proof/v1', ''])
      expect(() => agent.signRoomMessage(domain, message)).toThrow(InvalidArgumentError);
  });
});
