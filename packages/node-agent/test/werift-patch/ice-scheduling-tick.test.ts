/**
 * werift patch §11 (docs/werift-patches.md): a full ICE agent whose last pair has been scheduled and
 * whose remote said end-of-candidates leaves its check-scheduling loop at once, instead of sleeping
 * one more 20 ms tick before it reads the result. Stock werift's `connect()` therefore never took
 * less than 20 ms, however fast the checks were answered. Two werift ICE agents in one process, ESM
 * and CommonJS builds, each knowing the other's one host candidate and end-of-candidates.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Werift from 'werift';
import { IN_NETNS } from '../peer/pair.js';

const builds = {
  esm: (await import('werift')) as typeof Werift,
  cjs: createRequire(import.meta.url)('werift') as typeof Werift,
};
const HOST = '10.77.0.1';

async function agent(w: typeof Werift, controlling: boolean): Promise<Werift.Connection> {
  const a = new w.Connection(controlling, {
    useIpv4: false,
    useIpv6: false,
    additionalHostAddresses: [HOST],
  });
  await a.gatherCandidates();
  return a;
}

async function know(a: Werift.Connection, b: Werift.Connection): Promise<void> {
  a.setRemoteParams({ iceLite: false, usernameFragment: b.localUsername, password: b.localPassword });
  for (const c of b.localCandidates) await a.addRemoteCandidate(c);
  await a.addRemoteCandidate(undefined);
}

/** How long the controlling agent's `connect()` takes (ms), both agents connecting at once. */
async function connectOnce(w: typeof Werift): Promise<number> {
  const [controlling, controlled] = [await agent(w, true), await agent(w, false)];
  try {
    await know(controlling, controlled);
    await know(controlled, controlling);
    const answering = controlled.connect();
    const t0 = performance.now();
    await controlling.connect();
    const ms = performance.now() - t0;
    await answering;
    expect(controlling.state).toBe('connected');
    return ms;
  } finally {
    await Promise.all([controlling.close(), controlled.close()]);
  }
}

describe.skipIf(!IN_NETNS)('werift patch: no scheduling tick after the last check (netns)', () => {
  for (const [name, w] of Object.entries(builds)) {
    it(`${name}: connect() can finish in less than the 20 ms tick stock werift always waited`, async () => {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) samples.push(await connectOnce(w));
      // Unpatched, every sample is ≥ 20 ms (the loop sleeps 20 ms after starting the only check);
      // patched, a check and its nomination on loopback take a few ms. One fast sample is the proof,
      // so a run that other work slows down now and then still passes.
      expect(Math.min(...samples)).toBeLessThan(15);
    });
  }
});
