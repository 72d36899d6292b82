/**
 * The file-drop app end to end on a virtual LAN: the host program (`src/host/main.ts`) on host A
 * serves the built page and receives with the Node API, Chromium on host B opens the page. A file
 * picked on the page lands in the host's folder byte for byte (Chromium → Node), a file the host
 * sends with `send NAME PATH` arrives as Chromium's download with the same SHA-256 (Node → Chromium),
 * and two pages that never met pair by comparing digits and send each other a file through the relay.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLan, type Lan, type LanHost } from '@lanrtc/lan-harness';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDropPage, pageState, until } from '../support/drop-page.js';
import { buildPage, type DropProcess, startDropIn } from '../support/drop-process.js';

const IN_NETNS = process.env.LANRTC_IN_NETNS === '1';
const HOST_NAME = 'desk';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.skipIf(!IN_NETNS)('file-drop: Chromium ↔ Node on a LAN', () => {
  const undo: (() => unknown)[] = [];
  let host: DropProcess;
  let browser: Browser;
  let files: string;
  let hostA: LanHost;
  let pageDir: string;

  beforeAll(async () => {
    const page = await buildPage();
    undo.push(() => page.remove());
    const lan: Lan = await createLan({ hosts: 2 });
    undo.push(() => lan.close());
    const [a, b] = lan.hosts as [LanHost, LanHost];
    hostA = a;
    pageDir = page.dir;
    host = await startDropIn(a, ['--page-dir', page.dir, '--bind', a.ip, '--name', HOST_NAME, '--yes']);
    undo.push(() => host.stop());
    const chromium = await launchChromium(b.name);
    undo.push(() => chromium.close());
    browser = chromium.browser;
    files = mkdtempSync(join(tmpdir(), 'file-drop-files-'));
    undo.push(() => rmSync(files, { recursive: true, force: true }));
  }, 120_000);

  afterAll(async () => {
    if (host) console.log(`file-drop host:\n${host.lines.slice(-30).join('\n')}`);
    for (const fn of undo.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
  }, 30_000);

  it('a file picked on the page lands in the host folder with the same SHA-256', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 12_345);
    const path = join(files, 'photo.raw');
    writeFileSync(path, bytes);
    const page = await openDropPage(browser, host.url, 'Ada', HOST_NAME);
    await page.setInputFiles('#file-input', path);
    const from = host.lines.length;
    await page.click(`li[data-receiver="${HOST_NAME}"] button.send`);
    const line = await host.next(/^received photo\.raw \(.*\) from Ada → (.+)$/, { from, ms: 60_000 });
    expect(sha256(readFileSync(line[1] as string))).toBe(sha256(bytes));
    expect(line[1]).toBe(join(host.dir, 'photo.raw'));
    const state = await until(
      () => pageState(page),
      (s) => s.transfers.some((t) => t.state === 'done' || t.state === 'failed'),
    );
    expect(state.transfers.map((t) => [t.direction, t.peer, t.state, t.doneBytes])).toEqual([
      ['out', HOST_NAME, 'done', bytes.length],
    ]);
    // The hashing pass ran in the page's SHA-256 worker (its chunk hashes are what the host verified).
    expect(state.hashing).toBe('worker');
    await page.context().close();
  }, 90_000);

  it('a folder picked on the page lands in the host folder as a tree', async () => {
    const album = join(files, 'album');
    mkdirSync(join(album, 'day 2'), { recursive: true });
    const one = randomBytes(150_000);
    const two = randomBytes(1_100_000);
    writeFileSync(join(album, 'a.jpg'), one);
    writeFileSync(join(album, 'day 2', 'b.jpg'), two);
    const page = await openDropPage(browser, host.url, 'Gus', HOST_NAME);
    await page.setInputFiles('#folder-input', album);
    const from = host.lines.length;
    await page.click(`li[data-receiver="${HOST_NAME}"] button.send`);
    await host.next(/^done from Gus: /, { from, ms: 60_000 });
    expect(sha256(readFileSync(join(host.dir, 'album', 'a.jpg')))).toBe(sha256(one));
    expect(sha256(readFileSync(join(host.dir, 'album', 'day 2', 'b.jpg')))).toBe(sha256(two));
    await page.context().close();
  }, 90_000);

  it('files dropped on a receiver row go straight to it', async () => {
    const page = await openDropPage(browser, host.url, 'Hal', HOST_NAME);
    const from = host.lines.length;
    // A drop as the browser delivers it: a DataTransfer holding a File made in the page.
    await page.evaluate((name) => {
      const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'dropped.bin'));
      const row = document.querySelector(`li[data-receiver="${name}"]`) as HTMLElement;
      row.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, HOST_NAME);
    const line = await host.next(/^received dropped\.bin \(.*\) from Hal → (.+)$/, { from, ms: 60_000 });
    const made = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
    expect(sha256(readFileSync(line[1] as string))).toBe(sha256(made));
    await page.context().close();
  }, 90_000);

  it('a file the host sends arrives as the page download with the same SHA-256', async () => {
    const bytes = randomBytes(2 * 1024 * 1024 + 777);
    const path = join(files, 'notes.bin');
    writeFileSync(path, bytes);
    const page = await openDropPage(browser, host.url, 'Bea', HOST_NAME);
    const download = page.waitForEvent('download', { timeout: 60_000 });
    host.type(`send Bea ${path}`);
    await page.waitForSelector('#offer-dialog[open]', { timeout: 30_000 });
    expect(await page.textContent('#offer-title')).toBe(`${HOST_NAME} wants to send you 1 file`);
    await page.click('#offer-accept');
    const got = await download;
    expect(got.suggestedFilename()).toBe('notes.bin');
    expect(sha256(readFileSync(await got.path()))).toBe(sha256(bytes));
    await host.next(/^sent notes\.bin \(.*\) to Bea$/, { from: 0, ms: 30_000 });
    const state = await until(
      () => pageState(page),
      (s) => s.transfers.some((t) => t.state === 'done' || t.state === 'failed'),
    );
    expect(state.transfers.map((t) => [t.direction, t.peer, t.state])).toEqual([['in', HOST_NAME, 'done']]);
    // Each chunk was verified in the page's SHA-256 worker.
    expect(state.hashing).toBe('worker');
    await page.context().close();
  }, 90_000);

  it('a page that declines: the host is told, nothing is downloaded', async () => {
    const path = join(files, 'unwanted.bin');
    writeFileSync(path, randomBytes(70_000));
    const page = await openDropPage(browser, host.url, 'Eve', HOST_NAME);
    let downloads = 0;
    page.on('download', () => downloads++);
    const from = host.lines.length;
    host.type(`send Eve ${path}`);
    await page.waitForSelector('#offer-dialog[open]', { timeout: 30_000 });
    await page.click('#offer-decline');
    await host.next(/^! transfer to Eve failed: TransferDeclinedError/, { from, ms: 30_000 });
    const state = await until(
      () => pageState(page),
      (s) => s.transfers.some((t) => t.state === 'failed'),
    );
    expect(state.transfers.map((t) => [t.direction, t.state, t.error])).toEqual([
      ['in', 'failed', 'declined'],
    ]);
    expect(downloads).toBe(0);
    await page.context().close();
  }, 90_000);

  it("a host without --yes asks: n declines the page's offer, y takes the next one", async () => {
    const asking = await startDropIn(hostA, [
      '--page-dir',
      pageDir,
      '--bind',
      hostA.ip,
      '--port',
      '8091',
      '--name',
      'asker',
    ]);
    undo.push(() => asking.stop());
    const path = join(files, 'draft.txt');
    writeFileSync(path, randomBytes(100_000));
    const page = await openDropPage(browser, asking.url, 'Fay', 'asker');
    await page.setInputFiles('#file-input', path);
    for (const answer of ['n', 'y']) {
      const from = asking.lines.length;
      await page.click('li[data-receiver="asker"] button.send');
      await asking.next(/^\? Fay offers 1 file, 100 kB — accept\? \[y\/n\]$/, { from, ms: 30_000 });
      asking.type(answer);
    }
    const state = await until(
      () => pageState(page),
      (s) => s.transfers.length === 2 && s.transfers.every((t) => t.state === 'done' || t.state === 'failed'),
    );
    expect(state.transfers.map((t) => [t.state, t.error ?? ''])).toEqual([
      ['failed', 'declined'],
      ['done', ''],
    ]);
    const line = await asking.next(/^received draft\.txt \(.*\) from Fay → (.+)$/, { from: 0 });
    expect(sha256(readFileSync(line[1] as string))).toBe(sha256(readFileSync(path)));
    await page.context().close();
  }, 90_000);

  it('one page sends to another: first contact pairs by comparing digits, then the download lands', async () => {
    const bytes = randomBytes(1024 * 1024 + 5);
    const path = join(files, 'slides.pdf');
    writeFileSync(path, bytes);
    const cy = await openDropPage(browser, host.url, 'Cy', HOST_NAME);
    const di = await openDropPage(browser, host.url, 'Di', 'Cy');
    await until(
      () => pageState(cy),
      (s) => s.receivers.some((r) => r.name === 'Di'),
    );
    await cy.setInputFiles('#file-input', path);
    await cy.click('li[data-receiver="Di"] button.send');
    // Both screens show the same six digits; each user confirms.
    await Promise.all([cy, di].map((p) => p.waitForSelector('#compare-dialog[open]', { timeout: 30_000 })));
    const digits = await Promise.all([cy, di].map((p) => p.textContent('#compare-digits')));
    expect(digits[0]).toMatch(/^\d{3} \d{3}$/);
    expect(digits[1]).toBe(digits[0]);
    await Promise.all([cy.click('#compare-yes'), di.click('#compare-yes')]);
    const download = di.waitForEvent('download', { timeout: 60_000 });
    await di.waitForSelector('#offer-dialog[open]', { timeout: 30_000 });
    expect(await di.textContent('#offer-title')).toBe('Cy wants to send you 1 file');
    await di.click('#offer-accept');
    const got = await download;
    expect(got.suggestedFilename()).toBe('slides.pdf');
    expect(sha256(readFileSync(await got.path()))).toBe(sha256(bytes));
    const sent = await until(
      () => pageState(cy),
      (s) => s.transfers.some((t) => t.state === 'done' || t.state === 'failed'),
    );
    expect(sent.transfers.map((t) => [t.direction, t.peer, t.state])).toEqual([['out', 'Di', 'done']]);
    await Promise.all([cy.context().close(), di.context().close()]);
  }, 120_000);
});
