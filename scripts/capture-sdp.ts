#!/usr/bin/env -S node_modules/.bin/tsx --conditions=source
// Captures real SDPs for the compact codec's fixtures and checks that the codec's regenerated SDPs are
// accepted by the stacks that produced them (docs/PROTOCOL.md "Compact SDP codec").
//
//   node_modules/.bin/tsx --conditions=source scripts/capture-sdp.ts capture   # write test/fixtures/sdp/*.json
//   node_modules/.bin/tsx --conditions=source scripts/capture-sdp.ts verify    # Chromium accepts decoded SDPs
//
// Needs root (network namespaces) and Debian's `chromium`. Chromium runs INSIDE throw-away namespaces on
// a private bridge (docs/PLATFORM.md "A virtual LAN for tests"): nothing reaches this machine's real interfaces.
// werift runs inside `scripts/netns-run.mjs` with its public-STUN fallback switched off.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../packages/lan-harness/src/chromium.js';
import { decodeSdp, encodeSdp, fromQrText, toQrText } from '../packages/signal-core/src/exports/codec.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtureDir = join(root, 'packages/signal-core/test/fixtures/sdp');
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = CHROMIUM_ARGS;
const NO_MDNS = '--disable-features=WebRtcHideLocalIpsWithMdns';
const FAKE_MEDIA = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];
const prefix = `lrcap-${process.pid}-`;
const created: string[] = [];
const today = new Date().toISOString().slice(0, 10);

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'inherit' });
}

/**
 * One host namespace on the bridge with default routes (going nowhere: offline). `v4` addresses go one
 * per interface (eth0, eth1, …): Chromium gathers one host candidate per interface and address family,
 * so two IPv4 host candidates need two interfaces.
 */
function addHost(short: string, v4: string[], v6: string[] = []): string {
  const ns = `${prefix}${short}`;
  ip('netns', 'add', ns);
  created.push(ns);
  const ifaces = Math.max(v4.length, 1);
  for (let i = 0; i < ifaces; i++) {
    const dev = `eth${i}`;
    const peer = `p${process.pid % 100000}${short}${i}`.slice(0, 15);
    ip('-n', ns, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', peer, 'netns', `${prefix}br`);
    ip('-n', `${prefix}br`, 'link', 'set', peer, 'master', 'br0');
    ip('-n', `${prefix}br`, 'link', 'set', peer, 'up');
    const a = v4[i];
    if (a) ip('-n', ns, 'addr', 'add', a, 'dev', dev);
    ip('-n', ns, 'link', 'set', dev, 'up');
  }
  for (const a of v6) ip('-n', ns, '-6', 'addr', 'add', a, 'dev', 'eth0', 'nodad');
  ip('-n', ns, 'link', 'set', 'lo', 'up');
  // Chromium gathers host candidates only with a default route; the bridge has no uplink.
  if (v4.length > 0) ip('-n', ns, 'route', 'add', 'default', 'dev', 'eth0');
  if (v6.length > 0) ip('-n', ns, '-6', 'route', 'add', 'default', 'dev', 'eth0');
  return ns;
}

function setupLan(): void {
  ip('netns', 'add', `${prefix}br`);
  created.push(`${prefix}br`);
  ip('-n', `${prefix}br`, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', `${prefix}br`, 'link', 'set', 'br0', 'up');
}

function teardown(): void {
  for (const ns of created.splice(0).reverse()) spawnSync('ip', ['netns', 'del', ns], { stdio: 'inherit' });
}

const work = mkdtempSync(join(tmpdir(), 'lrcap-'));
const browsers: Browser[] = [];

async function launch(ns: string, mdns: boolean, fakeMedia = false): Promise<Browser> {
  const wrapper = join(work, `chromium-${ns}.sh`);
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const b = await chromium.launch({
    executablePath: wrapper,
    headless: true,
    // playwright-core gives every launch a fresh temporary --user-data-dir itself (it refuses the flag).
    args: [...FLAGS, ...(mdns ? [] : [NO_MDNS]), ...(fakeMedia ? FAKE_MEDIA : [])],
  });
  browsers.push(b);
  return b;
}

/** Page-side helpers, installed into a blank page. */
const PAGE_HELPERS = `
window.pcs = [];
window.gathered = (pc) => new Promise((res) => {
  if (pc.iceGatheringState === 'complete') return res();
  pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') res(); });
});
window.makeOffer = async (withMedia) => {
  // Chromium enumerates every interface only for a page holding media permission (else: the default
  // route's interface only), hence fake media for the two-interface variant.
  if (withMedia) (await navigator.mediaDevices.getUserMedia({ audio: true })).getTracks().forEach((t) => t.stop());
  const pc = new RTCPeerConnection(); window.pcs.push(pc);
  window.dc = pc.createDataChannel('lanrtc');
  await pc.setLocalDescription(await pc.createOffer());
  await window.gathered(pc);
  return { id: window.pcs.length - 1, desc: pc.localDescription.toJSON() };
};
window.makeAnswer = async (offer) => {
  const pc = new RTCPeerConnection(); window.pcs.push(pc);
  pc.addEventListener('datachannel', (e) => { e.channel.onmessage = (m) => e.channel.send('echo:' + m.data); });
  await pc.setRemoteDescription(offer);
  await pc.setLocalDescription(await pc.createAnswer());
  await window.gathered(pc);
  return { id: window.pcs.length - 1, desc: pc.localDescription.toJSON() };
};
window.acceptRemote = async (desc) => {
  const pc = new RTCPeerConnection(); window.pcs.push(pc);
  try {
    if (desc.type === 'answer') {
      pc.createDataChannel('probe');
      await pc.setLocalDescription(await pc.createOffer());
    }
    await pc.setRemoteDescription(desc);
    if (desc.type === 'offer') await pc.setLocalDescription(await pc.createAnswer());
    return { ok: true, signalingState: pc.signalingState };
  } catch (e) { return { ok: false, error: String(e) }; } finally { pc.close(); }
};
window.finishOffer = async (id, answer) => {
  const pc = window.pcs[id];
  const t0 = performance.now();
  const opened = new Promise((res, rej) => {
    if (window.dc.readyState === 'open') res();
    window.dc.onopen = () => res();
    setTimeout(() => rej(new Error('channel did not open in 15 s')), 15000);
  });
  await pc.setRemoteDescription(answer);
  await opened;
  const openMs = performance.now() - t0;
  const echo = await new Promise((res, rej) => {
    window.dc.onmessage = (m) => res(m.data);
    window.dc.send('ping');
    setTimeout(() => rej(new Error('no echo in 5 s')), 5000);
  });
  return { openMs, echo };
};
`;

async function newPage(b: Browser): Promise<Page> {
  const page = await b.newPage();
  // A secure origin (getUserMedia needs one) served by Playwright's interception: no network involved.
  const origin = 'https://capture.lanrtc.invalid/';
  await page.route(`${origin}**`, (r) =>
    r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>capture</title>' }),
  );
  await page.goto(origin);
  await page.evaluate(PAGE_HELPERS);
  return page;
}

interface Desc {
  type: 'offer' | 'answer';
  sdp: string;
}

function browserString(b: Browser): string {
  return `Chromium ${b.version()} (Debian package ${CHROMIUM}, headless, playwright-core)`;
}

function save(name: string, fixture: Record<string, unknown>): void {
  mkdirSync(fixtureDir, { recursive: true });
  writeFileSync(join(fixtureDir, `${name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`wrote ${name}.json`);
}

async function captureChromium(): Promise<void> {
  setupLan();
  const variants = [
    {
      name: 'chromium-mdns',
      offerer: addHost('a', ['10.98.0.1/24']),
      answerer: addHost('b', ['10.98.0.2/24']),
      mdns: true,
      lan: 'offerer netns 10.98.0.1/24 + default route, answerer 10.98.0.2/24, one bridge, no uplink; default Chromium flags (mDNS host candidates)',
    },
    {
      name: 'chromium-ipv4',
      offerer: addHost('c', ['10.98.0.3/24', '10.98.0.4/24']),
      answerer: addHost('d', ['10.98.0.5/24']),
      mdns: false,
      media: true,
      lan: `offerer netns with eth0 10.98.0.3/24 and eth1 10.98.0.4/24 (both on the bridge) + default route, answerer 10.98.0.5/24; ${NO_MDNS}; offerer page on an intercepted https origin with ${FAKE_MEDIA.join(' ')} and one getUserMedia({audio:true}) call first (Chromium enumerates all interfaces only with media permission)`,
    },
    {
      name: 'chromium-ipv6',
      offerer: addHost('e', ['10.98.0.6/24'], ['fd98::6/64']),
      answerer: addHost('f', ['10.98.0.7/24'], ['fd98::7/64']),
      mdns: false,
      lan: `dual-stack: offerer 10.98.0.6/24 + fd98::6/64, answerer 10.98.0.7/24 + fd98::7/64, v4+v6 default routes; ${NO_MDNS}`,
    },
  ];
  for (const v of variants) {
    const bo = await launch(v.offerer, v.mdns, v.media === true);
    const ba = await launch(v.answerer, v.mdns);
    const po = await newPage(bo);
    const pa = await newPage(ba);
    const offer = (await po.evaluate(`window.makeOffer(${v.media === true})`)) as { id: number; desc: Desc };
    const answer = (await pa.evaluate(`window.makeAnswer(${JSON.stringify(offer.desc)})`)) as {
      desc: Desc;
    };
    const src = {
      browser: browserString(bo),
      script: 'scripts/capture-sdp.ts capture',
      setup: v.lan,
      date: today,
    };
    save(`${v.name}-offer`, {
      source: { ...src, role: 'offerer (createDataChannel, full gathering)' },
      ...offer.desc,
    });
    save(`${v.name}-answer`, {
      source: { ...src, role: `answerer to ${v.name}-offer (full gathering)` },
      ...answer.desc,
    });
    await bo.close();
    await ba.close();
  }
}

/** werift part: runs inside scripts/netns-run.mjs (10.77.0.1/24 on eth0, no route out). */
async function captureWerift(): Promise<void> {
  const require = createRequire(join(root, 'packages/node-agent/package.json'));
  const werift = require('werift') as typeof import('werift');
  const pkgPath = join(dirname(require.resolve('werift')), '../../../package.json');
  const version = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  const out: Record<string, unknown> = { version };
  const noStun = (pc: InstanceType<typeof werift.RTCPeerConnection>) => {
    // docs/PLATFORM.md: werift falls back to a public STUN server even with iceServers: [].
    for (const t of pc.iceTransports) (t.connection as { stunServer?: unknown }).stunServer = undefined;
  };
  const gathered = (pc: InstanceType<typeof werift.RTCPeerConnection>) =>
    new Promise<void>((res) => {
      if (pc.iceGatheringState === 'complete') return res();
      pc.iceGatheringStateChange.subscribe((s) => {
        if (s === 'complete') res();
      });
    });
  for (const lite of [false, true]) {
    const a = new werift.RTCPeerConnection({ iceServers: [], iceLite: lite });
    a.createDataChannel('lanrtc');
    noStun(a);
    await a.setLocalDescription(await a.createOffer());
    await gathered(a);
    const b = new werift.RTCPeerConnection({ iceServers: [] });
    await b.setRemoteDescription(a.localDescription as never);
    noStun(b);
    await b.setLocalDescription(await b.createAnswer());
    await gathered(b);
    const plain = (d: { type: string; sdp: string } | undefined) => d && { type: d.type, sdp: d.sdp };
    out[lite ? 'liteOffer' : 'offer'] = plain(a.localDescription);
    if (!lite) out.answer = plain(b.localDescription);
    await a.close();
    await b.close();
  }
  process.stdout.write(`@@JSON${JSON.stringify(out)}\n`);
}

function runWeriftChild(): void {
  const r = spawnSync(
    process.execPath,
    ['scripts/netns-run.mjs', 'node_modules/.bin/tsx', 'scripts/capture-sdp.ts', 'werift-child'],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = r.stdout.split('\n').find((l) => l.startsWith('@@JSON'));
  if (!line) throw new Error(`werift child failed (status ${r.status})`);
  const data = JSON.parse(line.slice(6)) as Record<string, Desc> & { version: string };
  const src = {
    stack: `werift ${data.version} (packages/node-agent/node_modules), Node ${process.version}`,
    script: 'scripts/capture-sdp.ts capture (werift-child under scripts/netns-run.mjs)',
    setup:
      'private netns: lo + eth0 10.77.0.1/24, default route into a dangling veth; iceServers [] and connection.stunServer = undefined',
    date: today,
  };
  save('werift-offer', { source: { ...src, role: 'offerer (createDataChannel)' }, ...data.offer });
  save('werift-answer', { source: { ...src, role: 'answerer to a werift offer' }, ...data.answer });
  save('werift-lite-offer', { source: { ...src, role: 'offerer with iceLite: true' }, ...data.liteOffer });
}

async function main(): Promise<void> {
  const mode = process.argv[2] ?? 'capture';
  if (mode === 'werift-child') return captureWerift();
  const onSignal = () => {
    teardown();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (mode === 'capture') {
      await captureChromium();
      runWeriftChild();
    } else if (mode === 'verify') {
      await verify();
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
  } finally {
    for (const b of browsers) await b.close().catch(() => undefined);
    teardown();
    rmSync(work, { recursive: true, force: true });
  }
}

function readFixtures(): { name: string; file: string; fixture: Desc & { source: unknown } }[] {
  return readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.json$/, ''),
      file: join(fixtureDir, f),
      fixture: JSON.parse(readFileSync(join(fixtureDir, f), 'utf8')) as Desc & { source: unknown },
    }));
}

/** Only the compact bytes travel: desc → encodeSdp → QR text → fromQrText → decodeSdp. */
function viaQr(desc: Desc): { desc: Desc; bytes: number; qrChars: number } {
  const bytes = encodeSdp(desc);
  const text = toQrText(bytes);
  return { desc: decodeSdp(fromQrText(text)), bytes: bytes.length, qrChars: text.length };
}

/**
 * (1) A fresh Chromium accepts the decoded form of every fixture as a remote description (an answer is
 * applied after a local DataChannel offer); recorded in each fixture as `chromiumAcceptsDecoded`.
 * (2) Chromium ↔ Chromium DataChannels whose offer and answer travelled only as compact QR text.
 */
async function verify(): Promise<void> {
  setupLan();
  const ns = addHost('v', ['10.98.0.20/24']);
  const b = await launch(ns, false);
  const page = await newPage(b);
  const browser = browserString(b);
  for (const { name, file, fixture } of readFixtures()) {
    const decoded = viaQr(fixture).desc;
    const r = (await page.evaluate(`window.acceptRemote(${JSON.stringify(decoded)})`)) as {
      ok: boolean;
      error?: string;
    };
    console.log(
      `${name}: Chromium setRemoteDescription(decoded) ${r.ok ? 'accepted' : `REJECTED ${r.error}`}`,
    );
    const updated = { ...fixture, chromiumAcceptsDecoded: { ...r, browser, date: today } };
    writeFileSync(file, `${JSON.stringify(updated, null, 2)}\n`);
  }
  await b.close();
  const results: Record<string, unknown>[] = [];
  for (const v of [
    {
      name: 'mDNS host candidates',
      a: addHost('m1', ['10.98.0.21/24']),
      b: addHost('m2', ['10.98.0.22/24']),
      mdns: true,
    },
    {
      name: 'plain IPv4 host candidates',
      a: addHost('p1', ['10.98.0.23/24']),
      b: addHost('p2', ['10.98.0.24/24']),
      mdns: false,
    },
  ]) {
    const ba = await launch(v.a, v.mdns);
    const bb = await launch(v.b, v.mdns);
    const pa = await newPage(ba);
    const pb = await newPage(bb);
    const offer = (await pa.evaluate('window.makeOffer(false)')) as { id: number; desc: Desc };
    const o = viaQr(offer.desc);
    const answer = (await pb.evaluate(`window.makeAnswer(${JSON.stringify(o.desc)})`)) as { desc: Desc };
    const a = viaQr(answer.desc);
    const done = (await pa.evaluate(`window.finishOffer(${offer.id}, ${JSON.stringify(a.desc)})`)) as {
      openMs: number;
      echo: string;
    };
    const row = {
      variant: v.name,
      offerBytes: o.bytes,
      offerQr: o.qrChars,
      answerBytes: a.bytes,
      answerQr: a.qrChars,
      ...done,
    };
    console.log(`Chromium<->Chromium via compact QR text (${v.name}): ${JSON.stringify(row)}`);
    results.push(row);
    await ba.close();
    await bb.close();
  }
  console.log(`@@VERIFY${JSON.stringify({ browser, date: today, results })}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
