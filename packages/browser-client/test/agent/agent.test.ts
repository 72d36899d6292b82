/**
 * The browser agent's storage and pairing helpers, run in Chromium on an insecure `http://10.77.0.1`
 * page (Playwright answers the requests; no socket is opened): identity and certificate persist in
 * IndexedDB and come back identical, a certificate near expiry is renewed, corrupt storage is a
 * typed error, and two browser agents pair through showPin / enterPin over an in-memory switch
 * (the PIN rotates after a wrong guess). Connecting needs a network path: see e2e/.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PairingResult } from '@lanrtc/signal-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, IN_NETNS, launchChromium, openRoutedPage } from '../helpers/chromium.js';

type Lib = typeof import('../../src/index.js') &
  typeof import('@lanrtc/signal-core') &
  typeof import('@lanrtc/signal-core/testing') &
  typeof import('@lanrtc/signal-core/protocol');
const here = dirname(fileURLToPath(import.meta.url));

describe.skipIf(!IN_NETNS)('browser agent in Chromium (insecure context)', () => {
  let chromium: { browser: Browser; close(): Promise<void> } | undefined;
  let page: Page;
  let script: string;

  beforeAll(async () => {
    script = await bundleForBrowser(join(here, 'agent.browser.ts'));
    chromium = await launchChromium();
    page = await openRoutedPage(chromium.browser, script, 'lanrtc');
  }, 30_000);
  afterAll(async () => {
    await chromium?.close();
  });

  it('persists identity and DTLS certificate in IndexedDB and returns the same ones after reopening', async () => {
    const r = await page.evaluate(async () => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      const run = async () => {
        const db = await L.openLanrtcDb('keys-1');
        const identity = await L.loadOrCreateIdentity(db);
        const cert = await L.loadOrCreateCertificate(db);
        db.close();
        return {
          id: identity.id,
          fp: hex(cert.fingerprint),
          ownFp: hex(L.rtcCertificateFingerprint(cert.certificate)),
          validForDays: (cert.certificate.expires - Date.now()) / 86_400_000,
        };
      };
      return [await run(), await run()];
    });
    const [first, second] = r;
    expect(first?.id).toMatch(/^[a-z2-7]{26}$/);
    expect(second).toEqual({ ...first, validForDays: second?.validForDays });
    expect(first?.fp).toBe(first?.ownFp);
    expect(first?.validForDays).toBeGreaterThan(1);
    console.log(`certificate valid for ${first?.validForDays.toFixed(1)} days`);
  });

  it('renews a certificate that is about to expire, and keeps the renewed one', async () => {
    const r = await page.evaluate(async () => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
      const db = await L.openLanrtcDb('keys-2');
      const old = await L.loadOrCreateCertificate(db);
      const renewed = await L.loadOrCreateCertificate(db, old.certificate.expires - 1000);
      const after = await L.loadOrCreateCertificate(db);
      db.close();
      return [hex(old.fingerprint), hex(renewed.fingerprint), hex(after.fingerprint)];
    });
    expect(r[1]).not.toBe(r[0]);
    expect(r[2]).toBe(r[1]);
  });

  it.each([
    ['a number', 42],
    ['text that is not an exported identity', 'not-an-identity'],
  ])('rejects a stored identity that is %s with CorruptStoreError', async (_, value) => {
    const name = await page.evaluate(async (stored) => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const db = await L.openLanrtcDb(`corrupt-${String(stored)}`);
      const tx = db.transaction(L.KEYVAL_STORE, 'readwrite');
      tx.objectStore(L.KEYVAL_STORE).put(stored, 'identity');
      await new Promise((resolve) => {
        tx.oncomplete = resolve;
      });
      const error = await L.loadOrCreateIdentity(db).then(
        () => 'resolved',
        (e: Error) => e.name,
      );
      db.close();
      return error;
    }, value);
    expect(name).toBe('CorruptStoreError');
  });

  it('asks for persistent storage only in a secure context', async () => {
    const persisted = () =>
      page.evaluate(async () => {
        const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
        const net = L.createMemoryNetwork();
        const agent = await L.createBrowserAgent({ transport: (id) => net.connect(id), dbName: 'persist' });
        await agent.close();
        return [isSecureContext, typeof agent.storagePersisted];
      });
    expect(await persisted()).toEqual([false, 'undefined']);
    if (!chromium) throw new Error('no browser');
    const secure = await openRoutedPage(chromium.browser, script, 'lanrtc', 'http://localhost:8123');
    try {
      const r = await secure.evaluate(async () => {
        const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
        const net = L.createMemoryNetwork();
        const agent = await L.createBrowserAgent({ transport: (id) => net.connect(id), dbName: 'persist' });
        await agent.close();
        return [isSecureContext, typeof agent.storagePersisted];
      });
      expect(r).toEqual([true, 'boolean']);
    } finally {
      await secure.close();
    }
  });

  it('pairs two browser agents with showPin / enterPin; a wrong PIN fails and the PIN stays, a pairing rotates it', async () => {
    const r = await page.evaluate(async () => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const net = L.createMemoryNetwork();
      const a = await L.createBrowserAgent({
        transport: (id) => net.connect(id),
        dbName: 'pair-a',
        timeoutMs: 5_000,
      });
      const b = await L.createBrowserAgent({
        transport: (id) => net.connect(id),
        dbName: 'pair-b',
        timeoutMs: 5_000,
      });
      const errorName = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (e: Error) => e.name,
        );
      const out: Record<string, unknown> = {};
      out.beforePairing = await errorName(a.connect(b.id));
      const display = b.showPin();
      const pins: string[] = [display.pin()];
      const changed = new Promise<string>((resolve) => display.onChange(resolve));
      const pairedB = new Promise<PairingResult>((resolve) => display.onPaired(resolve));
      out.trivial = await errorName(a.enterPin(b.id, '123456'));
      out.compare = await errorName(a.pair(b.id, { kind: 'compare' }));
      const wrong = String((Number(pins[0]) + 1) % 1_000_000).padStart(6, '0');
      out.wrong = await errorName(a.enterPin(b.id, wrong));
      out.pinKept = display.pin() === pins[0]; // someone's wrong guess does not change the PIN shown
      out.failures = display.attempts().failures;
      const result = await a.enterPin(b.id, display.pin());
      pins.push(await changed);
      const pairedOnB = await pairedB;
      display.close();
      out.resultPeer = result.peer.id === b.id;
      out.pairedOnB = pairedOnB.peer.id === a.id;
      out.aTrustsB = (await a.trust.get(b.id))?.id === b.id;
      out.bTrustsA = (await b.trust.get(a.id))?.id === a.id;
      out.pinRotated = pins[0] !== pins[1];
      await a.close();
      await b.close();
      return out;
    });
    expect(r).toEqual({
      beforePairing: 'NotPairedError',
      trivial: 'WeakPinError',
      compare: 'PairingModeUnsupportedError', // compare mode without an onCompare handler
      wrong: 'PairingFailedError',
      pinKept: true,
      failures: 1,
      resultPeer: true,
      pairedOnB: true,
      aTrustsB: true,
      bTrustsA: true,
      pinRotated: true,
    });
  });

  it('a shown PIN that expires is replaced on time and the display told, with no attempt needed', async () => {
    const r = await page.evaluate(async () => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const net = L.createMemoryNetwork();
      const b = await L.createBrowserAgent({ transport: (id) => net.connect(id), dbName: 'pin-expiry' });
      const display = b.showPin({ pinTtlMs: 300 });
      const first = display.pin();
      const t0 = performance.now();
      const next = await new Promise<string>((resolve) => display.onChange(resolve));
      const ms = performance.now() - t0;
      const shownNow = display.pin();
      display.close();
      // After close() nothing rotates or calls back any more.
      let late = 0;
      display.onChange(() => late++);
      await new Promise((res) => setTimeout(res, 700));
      await b.close();
      return {
        changed: next !== first,
        sameAsShown: next === shownNow,
        onTime: ms >= 250 && ms < 1_500,
        late,
      };
    });
    expect(r).toEqual({ changed: true, sameAsShown: true, onTime: true, late: 0 });
  });

  it('pairs two browser agents by numeric comparison: both show the same digits, both confirm', async () => {
    const r = await page.evaluate(async () => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const net = L.createMemoryNetwork();
      const a = await L.createBrowserAgent({
        transport: (id) => net.connect(id),
        dbName: 'cmp-a',
        timeoutMs: 5_000,
      });
      const b = await L.createBrowserAgent({
        transport: (id) => net.connect(id),
        dbName: 'cmp-b',
        timeoutMs: 5_000,
      });
      const shown: string[] = [];
      const window = b.acceptCompare(async (digits) => {
        shown.push(digits);
        return true;
      });
      const pairedOnWindow = new Promise<PairingResult>((resolve) => window.onPaired(resolve));
      const result = await a.pair(
        b.id,
        { kind: 'compare' },
        {
          onCompare: async (digits) => {
            shown.push(digits);
            return true;
          },
        },
      );
      const onB = await pairedOnWindow;
      window.close();
      const out = {
        digits: shown.length === 2 && /^\d{6}$/.test(shown[0] ?? '') && shown[0] === shown[1],
        aPaired: result.peer.id === b.id,
        bPaired: onB.peer.id === a.id,
        bTrustsA: (await b.trust.get(a.id))?.id === a.id,
      };
      await a.close();
      await b.close();
      return out;
    });
    expect(r).toEqual({ digits: true, aPaired: true, bPaired: true, bTrustsA: true });
  });

  it('with no relay or transport: QR offer/answer through the agent pairs and connects; relay calls are NoSignallingPathError', async () => {
    const r = await page.evaluate(async () => {
      const L = (globalThis as unknown as { lanrtc: Lib }).lanrtc;
      const a = await L.createBrowserAgent({ dbName: 'qr-a' });
      const b = await L.createBrowserAgent({ dbName: 'qr-b' });
      const noRelay = await a.connect(b.id).then(
        () => 'resolved',
        (e: Error) => e.name,
      );
      const offer = await a.createQrOffer({ pairWithSecret: true });
      const answer = await b.answerQrOffer(offer.text);
      const [onA, onB] = await Promise.all([offer.accept(answer.text), answer.connection]);
      const channel = onB.peer.createDataChannel('app');
      const got = new Promise<string>((resolve) => {
        void onA.peer.channel('app').then((c) => {
          c.onmessage = (e) => resolve(String(e.data));
        });
      });
      await onB.peer.channel('app');
      channel.send('over QR');
      const out = {
        noRelay,
        paths: [onA.path, onB.path],
        paired: [onA.paired, onB.paired],
        ids: [onA.remote.id === b.id, onB.remote.id === a.id],
        message: await got,
        renegotiate: await onA.renegotiate().then(
          () => 'resolved',
          (e: Error) => e.name,
        ),
        bTrustsA: (await b.trust.get(a.id))?.id === a.id,
      };
      await a.close();
      await b.close();
      return out;
    });
    expect(r).toEqual({
      noRelay: 'NoSignallingPathError',
      paths: ['qr', 'qr'],
      paired: [true, true],
      ids: [true, true],
      message: 'over QR',
      // Over the auth channel: a signed offer and answer with nothing new, applied on both sides.
      renegotiate: 'resolved',
      bTrustsA: true,
    });
  });
});
