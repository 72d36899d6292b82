/**
 * A real Chromium page's QR offer answered by Node. The page (served from `localhost` in
 * host B, a secure context) makes its offer with `createQrOffer`; the test copies the offer's text
 * (the paste path: no camera) to `lanrtc paste <offer> --message hi` run as a child process on host
 * A (node-agent's `answerQrOffer` on werift), takes the answer's text from the CLI's stdout and
 * pastes it into the page (`accept`). They connect, authenticate in-band and pair with the offer's
 * secret; the page echoes on channel `lanrtc`. Then a second offer without a secret: the proof path.
 * Chromium's host candidates here are `<uuid>.local` names (the host has a default route): the CLI
 * asks for them over mDNS, and with or without an answer the connection goes through the
 * peer-reflexive candidate of Chromium's connectivity checks to werift's host candidate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan, type LanHost } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { createFileTrustStore, loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { decodeQrPayload } from '@lanrtc/signal-core';
import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { textLine } from '../../../../test/kit/child-lines.js';
import { type Device, deviceLines } from '../relay-e2e/harness.js';
import { call, ok, openPage, received, serveInHost, writePage } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The CLI's entry point, run from source (lan-harness's `host.node` runs .ts with tsx). */
const CLI_MAIN = join(here, '../../../cli/src/main.ts');

/** The host part of each `a=candidate` line of a QR text's SDP (`<uuid>.local` shortened). */
function candidates(text: string): string[] {
  const payload = decodeQrPayload(text);
  if (payload.kind !== 'offer') throw new Error('not an offer');
  return payload.description.sdp
    .split('\r\n')
    .filter((l) => l.startsWith('a=candidate'))
    .map((l) => (l.split(' ')[4] ?? '').replace(/^[0-9a-f-]{36}\./, '<uuid>.'));
}

describeLan('QR signalling: Chromium page offer → `lanrtc paste` on Node', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  /**
   * One round: the page offers, the CLI answers, the page accepts `pasteAfterMs` after the answer
   * was printed (a person takes a while to paste); resolves with what each side saw.
   */
  async function round(page: Page, host: LanHost, config: string, pair: boolean, pasteAfterMs = 0) {
    const offer = ok(await call(page, 'offer', pair));
    const cli: Device = deviceLines(
      host.node(CLI_MAIN, ['paste', offer.text, '--message', 'hi', '--config', config, '--no-qr']),
    );
    let stderr = '';
    cli.child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) => cli.child.once('exit', resolve));
    const answer = String((await cli.next(textLine(/^LR1:/), 20_000)).text);
    await new Promise((resolve) => setTimeout(resolve, pasteAfterMs));
    const pasted = performance.now();
    const connectedAtCli = cli.next(textLine(/^connected to /)).then(() => performance.now() - pasted);
    const conn = ok(await call(page, 'acceptText', answer));
    const authenticatedMs = Math.round(performance.now() - pasted);
    const selected = ok(await call(page, 'selectedPair'));
    const timeline = await call(page, 'acceptTimeline');
    const code = await exited;
    const out = cli.lines.map((l) => String(l.text));
    return {
      offer,
      conn,
      code,
      out,
      stderr,
      authenticatedMs,
      cliConnectedMs: Math.round(await connectedAtCli),
      pair: selected,
      timeline,
      resolved: cli.lines.some(textLine(/^candidate .* \(mDNS\)$/)),
      offerCandidates: candidates(offer.text),
    };
  }

  it('pairs with the offer secret, echoes "hi", then reconnects with no secret on the proof path', async () => {
    const t0 = performance.now();
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-qr-node-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = mkdtempSync(join(tmpdir(), 'lanrtc-qr-node-cli-'));
    cleanup.push(() => rmSync(config, { recursive: true, force: true }));
    const cliId = (await loadOrCreateNodeIdentity({ dir: config })).identity.id;
    await writePage(dir);
    const lan: Lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [hostA, hostB] = lan.hosts;
    if (!hostA || !hostB) throw new Error('LAN has fewer than 2 hosts');
    const url = await serveInHost(hostB, dir);
    const b = await openPage(hostB, url);
    cleanup.push(() => b.close());
    expect(await call(b.page, 'context')).toMatchObject({ secure: true });
    const me = ok(await call(b.page, 'start'));
    await call(b.page, 'echo', 'lanrtc');
    expect(await call(b.page, 'trusted', cliId)).toBe(false);

    // The answer is pasted 2 s after it was printed: werift, which cannot use Chromium's `<uuid>.local`
    // candidate before it resolves (if it does), waits meanwhile for the page's connectivity checks.
    const first = await round(b.page, hostA, config, true, 2_000);
    expect(first.out[0]).toBe('offer (browser↔browser QR signalling) with a pairing secret');
    expect(first.conn).toMatchObject({ remote: cliId, paired: true });
    expect(first.out).toContain(`connected to ${me.id}, paired now`);
    expect(first.out).toContain('reply: hi');
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.offerCandidates).toEqual(['<uuid>.local']);
    expect((await received(b.page)).messages).toEqual(['lanrtc:hi']);
    expect(await call(b.page, 'trusted', cliId)).toBe(true);
    expect(await (await createFileTrustStore({ dir: config })).get(me.id)).toBeDefined();

    // Paired now (both trust stores remember it): an offer with no secret, the identities prove themselves.
    const second = await round(b.page, hostA, config, false);
    expect(second.out[0]).toBe('offer (browser↔browser QR signalling)');
    expect(second.conn).toMatchObject({ remote: cliId, paired: false });
    expect(second.out).toContain(`connected to ${me.id}`);
    expect(second.out).toContain('reply: hi');
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    expect((await received(b.page)).messages).toEqual(['lanrtc:hi', 'lanrtc:hi']);

    console.log(
      JSON.stringify({
        test: 'qr page offer → lanrtc paste',
        offerCandidates: first.offerCandidates,
        selectedPair: [first.pair, second.pair],
        pastedToAuthenticatedMs: [first.authenticatedMs, second.authenticatedMs],
        pageTimeline: [first.timeline, second.timeline],
        cliResolvedLocalName: [first.resolved, second.resolved],
        pastedToCliConnectedMs: [first.cliConnectedMs, second.cliConnectedMs],
        offerChars: [first.offer.text.length, second.offer.text.length],
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 60_000);
});
