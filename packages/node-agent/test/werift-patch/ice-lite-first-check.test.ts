/**
 * werift patch §10 (docs/werift-patches.md): an ICE-lite agent with `liteSelectFirstCheck` set
 * selects the pair of the first authenticated check, so `connect()` resolves (and DTLS can start)
 * without waiting for the controlling peer's nominating check; a later USE-CANDIDATE on another pair
 * moves the selection there. Without the flag werift waits for USE-CANDIDATE, as unpatched. Raw STUN
 * (an encoder independent of werift) from two UDP sockets to a lite agent, ESM and CommonJS builds.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type * as Werift from 'werift';
import { IN_NETNS } from '../peer/pair.js';
import { BINDING_SUCCESS, bindingRequest, StunClient } from './stun.js';

const builds = {
  esm: (await import('werift')) as typeof Werift,
  cjs: createRequire(import.meta.url)('werift') as typeof Werift,
};
const HOST = '10.77.0.1';
const PEER_UFRAG = 'peerufrag';
const PEER_PWD = 'peerpasswordpeerpassword';

/** The parts of a patched werift `Connection` this test reads or sets. */
type LiteAgent = Werift.Connection & {
  liteSelectFirstCheck: boolean;
  nominated?: { remoteAddr: readonly [string, number] };
};

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function liteAgent(w: typeof Werift, selectFirst: boolean) {
  const lite = new w.Connection(false, {
    iceLite: true,
    useIpv4: false,
    useIpv6: false,
    additionalHostAddresses: [HOST],
  }) as LiteAgent;
  open.push(lite);
  lite.liteSelectFirstCheck = selectFirst;
  await lite.gatherCandidates();
  const port = lite.localCandidates.find((c) => c.host === HOST)?.port;
  if (!port) throw new Error('the lite agent has no host candidate');
  lite.setRemoteParams({ iceLite: false, usernameFragment: PEER_UFRAG, password: PEER_PWD });
  let connected = false;
  const connecting = lite.connect().then(() => {
    connected = true;
  });
  connecting.catch(() => {});
  return { lite, port, isConnected: () => connected, connecting };
}

async function checker() {
  const c = await StunClient.open(HOST);
  open.push(c);
  return c;
}

/** An authenticated check from `from`, as a controlling full agent sends it. */
async function check(lite: LiteAgent, port: number, from: StunClient, useCandidate = false) {
  const { bytes, txid } = bindingRequest({
    username: `${lite.localUsername}:${PEER_UFRAG}`,
    integrityKey: lite.localPassword,
    controlling: true,
    useCandidate,
  });
  const r = await from.request(bytes, txid, HOST, port);
  expect(r?.type).toBe(BINDING_SUCCESS);
}

const tick = () => new Promise((r) => setTimeout(r, 50));

describe.skipIf(!IN_NETNS)(
  'werift patch: an ICE-lite agent can select its first checked pair (netns)',
  () => {
    for (const [name, w] of Object.entries(builds)) {
      it(`${name}: connected at the first authenticated check; USE-CANDIDATE elsewhere moves the selection`, async () => {
        const { lite, port, isConnected, connecting } = await liteAgent(w, true);
        const [a, b] = [await checker(), await checker()];
        await tick();
        expect(isConnected()).toBe(false); // nothing checked yet
        await check(lite, port, a);
        await connecting;
        expect(lite.nominated?.remoteAddr).toEqual([HOST, a.port]);
        // The controlling peer nominates another pair: the lite agent follows it.
        await check(lite, port, b, true);
        expect(lite.nominated?.remoteAddr).toEqual([HOST, b.port]);
        // A nominated pair stays selected: a later USE-CANDIDATE from the first pair does not move it back.
        await check(lite, port, a, true);
        expect(lite.nominated?.remoteAddr).toEqual([HOST, b.port]);
      });

      it(`${name}: without the flag it waits for USE-CANDIDATE, as unpatched werift does`, async () => {
        const { lite, port, isConnected, connecting } = await liteAgent(w, false);
        const [a, b] = [await checker(), await checker()];
        await check(lite, port, a);
        await tick();
        expect(isConnected()).toBe(false);
        expect(lite.nominated).toBeUndefined();
        await check(lite, port, b, true);
        await connecting;
        expect(lite.nominated?.remoteAddr).toEqual([HOST, b.port]);
      });
    }
  },
);
