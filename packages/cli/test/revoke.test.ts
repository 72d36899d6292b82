/**
 * `lanrtc peers revoke ID` refuses the peer on the relay path and on the QR-offer path (the direct
 * path: lan/browse-connect.test.ts): real werift peers and a real @lanrtc/relay, inside the test
 * namespace (`node scripts/test.mjs packages/cli/test`). The CLI's side is its config directory:
 * identity, certificate and `trust.json`, the files `lanrtc peers` changes.
 */
import { spawn } from 'node:child_process';
import {
  createDtlsCertificate,
  createFileTrustStore,
  createNodeAgent,
  loadOrCreateNodeIdentity,
} from '@lanrtc/node-agent';
import { connectRelay, createRelay } from '@lanrtc/relay';
import { createIdentity, createMemoryTrustStore } from '@lanrtc/signal-core';
import { afterEach, describe, expect, it } from 'vitest';
import { HOST, party } from '../../node-agent/test/direct/support.js';
import { IN_NETNS } from '../../node-agent/test/peer/pair.js';
import { qrOfferer } from '../../node-agent/test/qr/offerer.js';
import { runCli } from '../src/index.js';
import { text, watch } from './lan/support.js';
import { MAIN, memoryIo, TSX_FLAGS, tempConfig } from './support.js';

describe.skipIf(!IN_NETNS)('lanrtc peers revoke: refused on the relay and QR paths', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const revoke = async (dir: string, id: string) => {
    const m = memoryIo();
    expect(await runCli(['peers', 'revoke', id, '--config', dir], m.io)).toBe(0);
    expect(m.stdout()).toContain(`revoked ${id}`);
  };

  it('relay: a revoked peer’s offer is refused; it gets back only by pairing anew', async () => {
    const config = tempConfig();
    cleanups.push(config.cleanup);
    const relay = await createRelay({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => relay.close());
    const mine = await loadOrCreateNodeIdentity({ dir: config.dir });
    const incoming: string[] = [];
    const me = await createNodeAgent({
      identity: mine.identity,
      certificate: mine.certificate,
      transport: await connectRelay({ url: relay.address.url, identity: mine.identity }),
      trust: await createFileTrustStore({ dir: config.dir }),
      peer: { interfaceAddresses: [HOST] },
      timeoutMs: 4_000,
    });
    me.onConnection((c) => incoming.push(c.remote.id));
    cleanups.push(() => me.close());
    const otherIdentity = createIdentity();
    const otherCertificate = await createDtlsCertificate();
    const other = await createNodeAgent({
      identity: otherIdentity,
      certificate: otherCertificate,
      transport: await connectRelay({ url: relay.address.url, identity: otherIdentity }),
      trust: createMemoryTrustStore(),
      peer: { interfaceAddresses: [HOST] },
      timeoutMs: 4_000,
    });
    cleanups.push(() => other.close());

    const pairByPin = async () => {
      const display = me.showPin();
      const stop = () => display.close();
      await other.enterPin(mine.identity.id, display.pin());
      stop();
    };
    await pairByPin();
    const first = await other.connect(mine.identity.id);
    await first.close();
    await expect.poll(() => incoming.length).toBe(1);

    await revoke(config.dir, otherIdentity.id);
    await expect(other.connect(mine.identity.id)).rejects.toThrow(/not paired|NotPaired/i);
    expect(incoming).toHaveLength(1);

    // Back only through a new pairing (the user opens it on this side).
    await pairByPin();
    const back = await other.connect(mine.identity.id);
    await back.close();
    await expect.poll(() => incoming.length).toBe(2);
  }, 40_000);

  it('QR offer: after revoke the page’s offer without a secret is refused', async () => {
    const config = tempConfig();
    cleanups.push(config.cleanup);
    const page = await party();
    const paste = (offerText: string) => {
      const child = spawn(
        process.execPath,
        [
          ...TSX_FLAGS,
          MAIN,
          'paste',
          offerText,
          '--message',
          'hi',
          '--address',
          HOST,
          '--config',
          config.dir,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
      return watch(child);
    };
    const withSecret = await qrOfferer(page, HOST, crypto.getRandomValues(new Uint8Array(16)));
    cleanups.push(() => withSecret.close());
    const pairing = paste(withSecret.text);
    await withSecret.accept(String((await pairing.next(text(/^LR1:/), 'answer', 20_000)).text));
    expect(await pairing.exited).toBe(0);

    // Paired: an offer without a secret connects.
    const plain = await qrOfferer(page, HOST);
    cleanups.push(() => plain.close());
    const known = paste(plain.text);
    await plain.accept(String((await known.next(text(/^LR1:/), 'answer', 20_000)).text));
    expect(await known.exited).toBe(0);
    expect(plain.echoed).toEqual(['hi']);

    await revoke(config.dir, page.identity.id);
    const after = await qrOfferer(page, HOST);
    cleanups.push(() => after.close());
    const refused = paste(after.text);
    const atPage = after.accept(String((await refused.next(text(/^LR1:/), 'answer', 20_000)).text));
    atPage.catch(() => {});
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toMatch(
      /^lanrtc paste: (NotPairedError|PeerRejectedError): .*not in the trust store/,
    );
    expect(after.echoed).toEqual([]);
  }, 60_000);
});
