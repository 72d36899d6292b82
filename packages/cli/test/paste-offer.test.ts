/**
 * `lanrtc paste <offer>` answers a page's QR offer: a werift offerer standing in for the page
 * (node-agent's test offerer, what browser-client's `createQrOffer` does) reads the answer line the
 * CLI prints, pairs with the offer's secret, and echoes on channel `lanrtc`. Opens sockets: runs
 * inside the test namespace (`node scripts/test.mjs packages/cli/test`).
 */
import { spawn } from 'node:child_process';
import { loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { afterEach, describe, expect, it } from 'vitest';
import { HOST, party } from '../../node-agent/test/direct/support.js';
import { IN_NETNS } from '../../node-agent/test/peer/pair.js';
import { type QrOfferer, qrOfferer } from '../../node-agent/test/qr/offerer.js';
import { text, watch } from './lan/support.js';
import { MAIN, TSX_FLAGS, tempConfig } from './support.js';

describe.skipIf(!IN_NETNS)('lanrtc paste: answering a QR offer', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('prints the answer, pairs with the offer secret, echoes "hi", exits 0', async () => {
    const config = tempConfig();
    cleanups.push(config.cleanup);
    const me = await loadOrCreateNodeIdentity({ dir: config.dir });
    const page = await party();
    const secret = crypto.getRandomValues(new Uint8Array(16));
    const offerer: QrOfferer = await qrOfferer(page, HOST, secret);
    cleanups.push(() => offerer.close());

    const child = spawn(
      process.execPath,
      [
        ...TSX_FLAGS,
        MAIN,
        ...['paste', offerer.text, '--message', 'hi', '--address', HOST, '--config', config.dir],
        ...['--qr', '--wait', '20'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
    const cli = watch(child);
    const answer = String((await cli.next(text(/^LR1:/), 'answer line', 20_000)).text);
    const result = await offerer.accept(answer);
    expect(result).toMatchObject({ paired: true, remote: { id: me.identity.id } });
    expect(await cli.exited).toBe(0);
    const out = cli.seen.map((l) => String(l.text));
    expect(out[0]).toBe('offer (browser↔browser QR signalling) with a pairing secret');
    expect(out).toContain(`connected to ${page.identity.id}, paired now`);
    expect(out).toContain('reply: hi');
    expect(offerer.echoed).toEqual(['hi']);
    expect(cli.stderr()).toBe('');
  }, 40_000);

  it('a page it is not paired with and no secret → typed error, exit 1; an unread answer → SessionTimeoutError', async () => {
    const config = tempConfig();
    cleanups.push(config.cleanup);
    const stranger = await qrOfferer(await party(), HOST);
    cleanups.push(() => stranger.close());
    const unread = await qrOfferer(await party(), HOST);
    cleanups.push(() => unread.close());
    const paste = (offer: string, ...extra: string[]) => {
      const child = spawn(
        process.execPath,
        [
          ...TSX_FLAGS,
          MAIN,
          'paste',
          offer,
          '--message',
          'hi',
          '--address',
          HOST,
          '--config',
          config.dir,
          ...extra,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
      return watch(child);
    };
    const refused = paste(stranger.text);
    const answer = String((await refused.next(text(/^LR1:/), 'answer line', 20_000)).text);
    const atPage = stranger.accept(answer);
    atPage.catch(() => {});
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toMatch(/^lanrtc paste: (NotPairedError|UnknownPeerError|PeerRejectedError): /);
    await expect(atPage).rejects.toBeInstanceOf(Error);
    expect(stranger.echoed).toEqual([]);

    const timedOut = paste(unread.text, '--wait', '1');
    expect(await timedOut.exited).toBe(1);
    expect(timedOut.stderr()).toMatch(/^lanrtc paste: SessionTimeoutError: /);
    expect(timedOut.seen.map((l) => String(l.text))).toContain(
      'waiting up to 1 s for the page to read the answer',
    );
  }, 40_000);
});
