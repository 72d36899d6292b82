/**
 * werift patch §9 (docs/werift-patches.md): an ICE agent whose check list is empty when it starts
 * (the remote signalled end-of-candidates but gave no usable candidate: Firefox trickles only a
 * `UUID.local` host candidate, which lanrtc does not resolve) waits for a pair instead of failing,
 * so the remote's first check, which creates a peer-reflexive pair (RFC 8445 §7.3.1.3), can still
 * connect it. Unpatched werift failed within 1 ms of `connect()`. Two werift ICE agents in one
 * process, ESM and CommonJS builds: `late` starts with an empty list, `early` checks it 150 ms later.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Werift from 'werift';
import { IN_NETNS, settle } from '../peer/pair.js';

const builds = {
  esm: (await import('werift')) as typeof Werift,
  cjs: createRequire(import.meta.url)('werift') as typeof Werift,
};
const HOST = '10.77.0.1';

/** The parts of a patched werift `Connection` this test uses (§9 adds `pairWaitMs`). */
type Agent = Werift.Connection & { pairWaitMs: number };

async function agent(w: typeof Werift, controlling: boolean): Promise<Agent> {
  const a = new w.Connection(controlling, {
    useIpv4: false,
    useIpv6: false,
    additionalHostAddresses: [HOST],
  }) as Agent;
  await a.gatherCandidates();
  return a;
}

/** `late` learns `remote`'s credentials and end-of-candidates, but no candidate. */
async function emptyList(late: Agent, remote: Agent): Promise<void> {
  late.setRemoteParams({
    iceLite: false,
    usernameFragment: remote.localUsername,
    password: remote.localPassword,
  });
  await late.addRemoteCandidate(undefined);
}

/** When `p` settles (ms since `t0`) and how. */
function track(p: Promise<void>, t0: number): { done?: number; error?: string; settled: Promise<void> } {
  const out: { done?: number; error?: string; settled: Promise<void> } = { settled: Promise.resolve() };
  out.settled = p.then(
    () => {
      out.done = performance.now() - t0;
    },
    (e: unknown) => {
      out.done = performance.now() - t0;
      out.error = e instanceof Error ? e.message : String(e);
    },
  );
  return out;
}

describe.skipIf(!IN_NETNS)('werift patch: ICE waits for a first candidate pair (netns)', () => {
  for (const [name, w] of Object.entries(builds)) {
    it(`${name}: connects through a peer-reflexive pair when the remote's checks come 150 ms later`, async () => {
      const late = await agent(w, false);
      const early = await agent(w, true);
      try {
        await emptyList(late, early);
        const t0 = performance.now();
        const lateConnect = track(late.connect(), t0);
        await settle(150);
        // Unpatched: failed within 1 ms (end-of-candidates with an empty list ends the scheduling loop).
        expect(lateConnect.done).toBeUndefined();
        early.setRemoteParams({
          iceLite: false,
          usernameFragment: late.localUsername,
          password: late.localPassword,
        });
        for (const c of late.localCandidates) await early.addRemoteCandidate(c);
        await early.addRemoteCandidate(undefined);
        await Promise.all([early.connect(), lateConnect.settled]);
        expect(lateConnect.error).toBeUndefined();
        expect(late.state).toBe('connected');
        expect(late.nominated?.remoteCandidate.type).toBe('prflx');
        expect(late.nominated?.remoteCandidate.port).toBe(early.localCandidates[0]?.port);
        // Woken by the pair, well before the default 5 s limit.
        expect(late.pairWaitMs).toBe(5_000);
        expect(lateConnect.done).toBeLessThan(1_000);
      } finally {
        await Promise.all([late.close(), early.close()]);
      }
    });

    it(`${name}: still fails after pairWaitMs when no check comes`, async () => {
      const late = await agent(w, false);
      const remote = await agent(w, true);
      try {
        late.pairWaitMs = 300;
        await emptyList(late, remote);
        const t0 = performance.now();
        const r = track(late.connect(), t0);
        await r.settled;
        expect(r.error).toBe('ICE negotiation failed');
        expect(r.done).toBeGreaterThanOrEqual(295);
        expect(r.done).toBeLessThan(800);
      } finally {
        await Promise.all([late.close(), remote.close()]);
      }
    });

    it(`${name}: close() during the wait ends connect() at once`, async () => {
      const late = await agent(w, false);
      const remote = await agent(w, true);
      try {
        await emptyList(late, remote);
        const t0 = performance.now();
        const r = track(late.connect(), t0);
        await settle(200);
        expect(r.done).toBeUndefined();
        const tClose = performance.now();
        await late.close();
        await r.settled;
        expect(r.error).toBe('ICE negotiation failed');
        expect((r.done ?? 0) + t0 - tClose).toBeLessThan(100);
      } finally {
        await Promise.all([late.close(), remote.close()]);
      }
    });
  }
});
