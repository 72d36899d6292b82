/**
 * A device agent (`createLanAgent`) over the in-memory signalling network, with a PIN guesser on the
 * LAN: the guesser locks PIN pairing, but never a comparison; the PIN the user read keeps working;
 * a stalled hello holds the PIN window for one step deadline only.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLanAgent } from '../../src/agent/create-lan-agent.js';
import { PeerRejectedError } from '../../src/errors.js';
import { createIdentity } from '../../src/identity/identity.js';
import type { AttemptPolicyState } from '../../src/pairing/policy.js';
import { PAIRING_STEP_DEADLINE_MS } from '../../src/pairing/policy.js';
import { createAgent } from '../../src/session/agent.js';
import { createMemoryNetwork, type MemoryNetwork } from '../../src/transport/memory.js';
import { createMemoryTrustStore } from '../../src/trust/memory.js';
import { fakePeer, fixtureFingerprint } from '../session/fake-peer.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A plain signalling agent: a phone, or the guesser. */
function phone(net: MemoryNetwork) {
  const identity = createIdentity();
  const trust = createMemoryTrustStore();
  const agent = createAgent({
    identity,
    transport: net.connect(identity.id),
    trust,
    fingerprint: fixtureFingerprint('offer'),
    createPeer: ({ role }) => fakePeer(role),
  }).start();
  closers.push(() => agent.close());
  return { identity, agent };
}

/** The device: the platform-free agent with the relay-path agent as its only path (default 15 s steps). */
function device(net: MemoryNetwork) {
  const identity = createIdentity();
  const trust = createMemoryTrustStore();
  const fingerprint = fixtureFingerprint('answer');
  const signalling = createAgent({
    identity,
    transport: net.connect(identity.id),
    trust,
    fingerprint,
    createPeer: ({ role }) => fakePeer(role),
  }).start();
  const unused = () => Promise.reject(new Error('not used here'));
  const agent = createLanAgent({
    identity,
    fingerprint,
    trust,
    signalling,
    relay: undefined,
    connectDirect: unused,
    createQrOffer: unused,
    answerQrOffer: unused,
    close: async () => {},
  });
  closers.push(() => agent.close());
  return { identity, agent, trust };
}

const wrong = (pin: string) => (pin === '135792' ? '246813' : '135792');
/** Why a pairing failed: the device's refusal (its bye), or the failure this side found itself. */
const refusal = (error: unknown) =>
  error instanceof PeerRejectedError ? error.reason : error instanceof Error ? error.name : String(error);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('device agent under a PIN guesser', () => {
  it('a guesser who sends wrong PINs each time the lock ends never blocks a comparison, and the PIN read before still pairs', async () => {
    const net = createMemoryNetwork();
    const dev = device(net);
    const compared: string[] = [];
    // The device accepts a comparison, then shows a PIN too (the newest window).
    dev.agent.acceptCompare(async (digits) => {
      compared.push(digits);
      return true;
    });
    const display = dev.agent.showPin({ lockoutMs: 400, maxLockoutMs: 400 });
    const shown = display.pin();
    const changes: string[] = [];
    display.onChange((pin) => changes.push(pin));
    const states: AttemptPolicyState[] = [];
    display.onAttempts((state) => states.push(state));

    const guesser = phone(net);
    const refused: Record<string, number> = {};
    let attacking = true;
    const attack = (async () => {
      while (attacking) {
        try {
          await guesser.agent.pair(dev.identity.id, { kind: 'pin', pin: wrong(display.pin()) });
        } catch (error) {
          const why = refusal(error);
          refused[why] = (refused[why] ?? 0) + 1;
          if (why === 'PairingLockedError') await sleep(20); // back as soon as the lock ends
        }
      }
    })();

    // The PIN path is locked by the guesser: now two users pair by comparison, one after the other.
    await vi.waitFor(() => expect(display.attempts().locked).toBe('backoff'), { timeout: 5_000 });
    for (let n = 0; n < 2; n++) {
      const user = phone(net);
      const result = await user.agent.pair(
        dev.identity.id,
        { kind: 'compare' },
        { onCompare: async () => true },
      );
      expect(result.peer.id).toBe(dev.identity.id);
      expect(await dev.trust.get(user.identity.id)).toBeDefined();
    }
    await vi.waitFor(() => expect(states.filter((s) => s.locked).length).toBeGreaterThanOrEqual(2), {
      timeout: 5_000,
    });
    attacking = false;
    await attack;
    // Two rounds of 5 wrong guesses, as the device counted them (the guesser may see its last
    // wrong guess refused as locked: the lock starts with the failure that triggers it).
    expect(display.attempts().failuresToday).toBeGreaterThanOrEqual(10);
    expect(refused.PairingFailedError).toBeGreaterThanOrEqual(9);
    expect(refused.PairingLockedError).toBeGreaterThan(0);
    expect(compared).toHaveLength(2);
    expect(await dev.trust.get(guesser.identity.id)).toBeUndefined();
    // What the user read before the attack is still the PIN: no rotation on someone else's failure.
    expect(changes).toEqual([]);
    await vi.waitFor(() => expect(display.attempts().locked).toBeUndefined(), { timeout: 5_000 });
    const late = phone(net);
    await expect(late.agent.pair(dev.identity.id, { kind: 'pin', pin: shown })).resolves.toBeDefined();
    expect(await dev.trust.get(late.identity.id)).toBeDefined();
  }, 30_000);

  it('a stalled hello holds the PIN window for one step deadline, then counts as a failure', async () => {
    const net = createMemoryNetwork();
    const dev = device(net);
    const display = dev.agent.showPin();
    const staller = phone(net);
    // The staller's hello reaches the device; its `finish` never does.
    let fromStaller = 0;
    net.setTamper(({ from, bytes }) =>
      from === staller.identity.id && ++fromStaller > 1 ? undefined : bytes,
    );
    const stalledAt = Date.now();
    await staller.agent.pair(dev.identity.id, { kind: 'pin', pin: wrong(display.pin()) }).catch(() => {});
    const user = phone(net);
    const refused: string[] = [];
    for (;;) {
      try {
        await user.agent.pair(dev.identity.id, { kind: 'pin', pin: display.pin() });
        break;
      } catch (error) {
        refused.push(refusal(error));
        if (Date.now() - stalledAt > 20_000) throw error;
        await sleep(200);
      }
    }
    const blockedMs = Date.now() - stalledAt;
    expect(refused.length).toBeGreaterThan(0); // the stalled attempt did hold the window…
    expect(new Set(refused)).toEqual(new Set(['PairingLockedError']));
    expect(blockedMs).toBeLessThan(PAIRING_STEP_DEADLINE_MS + 3_000); // …for one step deadline, not 15 s
    expect(display.attempts().failures).toBe(1);
    expect(await dev.trust.get(user.identity.id)).toBeDefined();
    expect(await dev.trust.get(staller.identity.id)).toBeUndefined();
  }, 30_000);
});
