/**
 * Two Chromium pages on two LAN hosts connect with no relay or any other network
 * service, exchanging offer and answer only as QR images. Each page is served from `localhost` by a
 * static server inside its own host (a secure context). Page A draws its offer QR (with a pairing
 * secret); the test reads A's canvas pixels and makes them B's fake camera (a Y4M file written in
 * Node); B scans it and draws its answer QR; the test screenshots that canvas and gives the PNG to
 * A's `<input type=file>` (a camera's file is read once, when capture starts). They connect,
 * authenticate in-band, pair through the secret, and talk both ways.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { decodeQrPayload } from '@lanrtc/signal-core';
import { afterEach, expect, it } from 'vitest';
import {
  call,
  canvasGrey,
  fakeCamera,
  ok,
  openPage,
  received,
  serveInHost,
  writePage,
  writeY4m,
} from './harness.js';

describeLan('QR signalling: Chromium ↔ Chromium, no network service', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  });

  it('pairs through an offer QR seen by the camera and an answer QR read from an image, then chats both ways', async () => {
    const t0 = performance.now();
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-qr-e2e-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    await writePage(dir);
    const lan: Lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [hostA, hostB] = lan.hosts;
    if (!hostA || !hostB) throw new Error('LAN has fewer than 2 hosts');
    const [urlA, urlB] = await Promise.all([serveInHost(hostA, dir), serveInHost(hostB, dir)]);

    const a = await openPage(hostA, urlA);
    cleanup.push(() => a.close());
    expect(await call(a.page, 'context')).toEqual({ secure: true, origin: urlA.slice(0, -1), camera: true });
    const idA = ok(await call(a.page, 'start'));
    const offer = ok(await call(a.page, 'offer', true));
    expect(offer.text).toMatch(/^LR1:[0-9A-Z $%*+\-./:]+$/);

    // A's offer, as its canvas shows it, becomes B's camera picture.
    const y4m = join(dir, 'offer.y4m');
    writeY4m(y4m, await canvasGrey(a.page));
    const b = await openPage(hostB, urlB, fakeCamera(y4m));
    cleanup.push(() => b.close());
    expect(await call(b.page, 'context')).toEqual({ secure: true, origin: urlB.slice(0, -1), camera: true });
    const idB = ok(await call(b.page, 'start'));
    const scanned = ok(await call(b.page, 'answerFromCamera'));
    expect(scanned.offer).toBe(offer.text);

    // B's answer QR, as a PNG screenshot of its canvas, goes into A's file input.
    const png = await b.page.locator('#qr').screenshot();
    await a.page.setInputFiles('#answer', { name: 'answer.png', mimeType: 'image/png', buffer: png });
    const [connA, connB] = await Promise.all([call(a.page, 'connection'), call(b.page, 'connection')]);
    expect(ok(connA)).toMatchObject({ remote: idB.id, paired: true, remoteFingerprint: idB.fingerprint });
    expect(ok(connB)).toMatchObject({ remote: idA.id, paired: true, remoteFingerprint: idA.fingerprint });
    // Neither side changed its own description: what createOffer/createAnswer made was applied as is.
    for (const c of [ok(connA), ok(connB)]) {
      expect(c.localUnchanged).toBe(true);
      expect(c.exactAtApply).toBe(true);
      expect(c.credentials.now).toEqual(c.credentials.created);
      expect(c.credentials.created).toHaveLength(4);
    }

    ok(await call(b.page, 'chat', true, 'hello from B'));
    ok(await call(a.page, 'chat', false, 'hello from A'));
    await expect
      .poll(async () => (await received(a.page)).messages, { timeout: 5_000 })
      .toEqual(['chat:hello from B']);
    await expect
      .poll(async () => (await received(b.page)).messages, { timeout: 5_000 })
      .toEqual(['chat:hello from A']);
    expect(await call(a.page, 'trusted', idB.id)).toBe(true);
    expect(await call(b.page, 'trusted', idA.id)).toBe(true);

    // Second round, now paired: an offer with no secret; the identities prove themselves instead.
    // B's camera file is replaced: Chromium opens it again when the next capture starts.
    const tRound2 = performance.now();
    const offer2 = ok(await call(a.page, 'offer', false));
    expect(offer2.text.length).toBeLessThan(offer.text.length);
    writeY4m(y4m, await canvasGrey(a.page));
    const scanned2 = ok(await call(b.page, 'answerFromCamera'));
    expect(scanned2.offer).toBe(offer2.text);
    const png2 = await b.page.locator('#qr').screenshot();
    await a.page.setInputFiles('#answer', { name: 'answer2.png', mimeType: 'image/png', buffer: png2 });
    const [againA, againB] = await Promise.all([call(a.page, 'connection'), call(b.page, 'connection')]);
    expect(ok(againA)).toMatchObject({ remote: idB.id, paired: false, remoteFingerprint: idB.fingerprint });
    expect(ok(againB)).toMatchObject({ remote: idA.id, paired: false, remoteFingerprint: idA.fingerprint });
    const round2Ms = Math.round(performance.now() - tRound2);
    // A closes: B learns it from its auth channel closing (the SCTP association goes with A's pc).
    await call(a.page, 'close');
    await expect.poll(async () => (await received(b.page)).ended, { timeout: 5_000 }).toBe('peer-closed');
    expect((await received(a.page)).ended).toBe('closed');

    // The offer held A's candidates: in a namespace with a default route Chromium offers mDNS
    // (`<uuid>.local`) host candidates, which B's Chromium resolved on the LAN by itself.
    const decoded = decodeQrPayload(offer.text);
    if (decoded.kind !== 'offer') throw new Error('offer text did not decode as an offer');
    const offerCandidates = decoded.description.sdp
      .split('\r\n')
      .filter((l) => l.startsWith('a=candidate'))
      .map((l) => (l.split(' ')[4] ?? '').replace(/^[0-9a-f-]{36}\./, '<uuid>.'));
    expect(offerCandidates.length).toBeGreaterThan(0);

    console.log(
      JSON.stringify({
        test: 'qr browser↔browser',
        round2Ms,
        offerChars: offer.text.length,
        offerMs: offer.offerMs,
        offerCandidates,
        answerChars: scanned.answer.length,
        scanMs: scanned.scanMs,
        connectMsA: ok(connA).ms,
        connectMsB: ok(connB).ms,
        totalMs: Math.round(performance.now() - t0),
      }),
    );
  }, 60_000);

  it('works by copy-paste on insecure pages (no camera there), and refuses an answer made for another offer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lanrtc-qr-paste-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    await writePage(dir);
    const lan: Lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [hostA, hostB] = lan.hosts;
    if (!hostA || !hostB) throw new Error('LAN has fewer than 2 hosts');
    // Each page is a device-served-like page: http://<lan-ip>, an insecure context.
    const [urlA, urlB] = await Promise.all([serveInHost(hostA, dir, true), serveInHost(hostB, dir, true)]);
    const a = await openPage(hostA, urlA);
    cleanup.push(() => a.close());
    const b = await openPage(hostB, urlB);
    cleanup.push(() => b.close());
    expect(await call(a.page, 'context')).toEqual({
      secure: false,
      origin: urlA.slice(0, -1),
      camera: false,
    });
    expect(await call(b.page, 'answerFromCamera')).toMatchObject({
      ok: false,
      error: 'CameraUnavailableError',
    });
    const idA = ok(await call(a.page, 'start'));
    const idB = ok(await call(b.page, 'start'));

    const first = ok(await call(a.page, 'offer', true));
    const stale = ok(await call(b.page, 'answerText', first.text));
    // A starts over; the answer to its first offer is refused before anything is applied.
    const second = ok(await call(a.page, 'offer', true));
    expect(await call(a.page, 'acceptText', stale.answer)).toMatchObject({
      ok: false,
      error: 'QrMismatchError',
    });
    expect(await call(a.page, 'acceptText', second.text)).toMatchObject({
      ok: false,
      error: 'MalformedInputError',
    });

    // An offer aborted while it waits for its answer is closed, and its accept refuses with the reason.
    expect(await call(a.page, 'abortedOffer')).toEqual({
      ok: true,
      value: { stateAfterAbort: 'closed', accept: 'AbortError' },
    });

    const answer = ok(await call(b.page, 'answerText', second.text));
    // Pasted text: a leading space, lower case and a trailing line break are tolerated.
    const pasted = ` ${answer.answer.toLowerCase()}\n`;
    const [connA, connB] = await Promise.all([
      call(a.page, 'acceptText', pasted),
      call(b.page, 'connection'),
    ]);
    expect(ok(connA)).toMatchObject({ remote: idB.id, paired: true, remoteFingerprint: idB.fingerprint });
    expect(ok(connB)).toMatchObject({ remote: idA.id, paired: true, remoteFingerprint: idA.fingerprint });
    ok(await call(b.page, 'chat', true, 'pasted hello'));
    await expect
      .poll(async () => (await received(a.page)).messages, { timeout: 5_000 })
      .toEqual(['chat:pasted hello']);
  }, 60_000);
});
