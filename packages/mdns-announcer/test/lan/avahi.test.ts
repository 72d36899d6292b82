/**
 * Interoperability with avahi (the Linux mDNS/DNS-SD daemon), each avahi-daemon in its own LAN host
 * with a private D-Bus (docs/PLATFORM.md "avahi inside a namespace"), and the teardown of all of it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLan, type Lan, type LanHost } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { createCard, createIdentity, openCard } from '@lanrtc/signal-core';
import { expect, it } from 'vitest';
import { isDead } from '../../../../test/kit/processes.js';
import {
  type AvahiResolved,
  type Line,
  parseAvahiResolved,
  startAvahi,
  startPeer,
  txtValue,
} from './support.js';

const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('utf8'));

/** Runs `avahi-browse -rpt <type>` until a resolved IPv4 entry named `name` shows up. */
async function avahiResolve(
  host: LanHost,
  env: Readonly<Record<string, string>>,
  type: string,
  name: string,
): Promise<AvahiResolved> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    const r = await host.exec('avahi-browse', ['-rpt', type], { env, timeoutMs: 10_000 });
    last = r.stdout + r.stderr;
    const found = r.stdout
      .split('\n')
      .map(parseAvahiResolved)
      .find((e) => e?.name === name && e.protocol === 'IPv4');
    if (found) return found;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`avahi-browse ${type} never resolved ${name}; last output: ${last}`);
}

/**
 * A signed card that survives being passed as a command-line argument: no NUL byte (argv strings end
 * at NUL) and no trailing newline (shell command substitution strips it). Everything else in a card
 * is random (key, fingerprints, signature) or non-zero by construction (flags, type mask, port,
 * LEB128 varints), so a few tries suffice; the LAN's subnet has no zero octet for the same reason.
 */
function argvSafeCard(name: string, address: string, port: number) {
  for (let i = 0; i < 200; i++) {
    const identity = createIdentity();
    const rnd = () => crypto.getRandomValues(new Uint8Array(32));
    const card = createCard(identity, {
      name,
      deviceTypes: ['doorbell'],
      fingerprint: rnd(),
      nextFingerprint: rnd(), // sets a flag bit: the flags byte is non-zero
      ice: { ufrag: 'f00d', pwd: 'aaaabbbbccccddddeeeeffff' },
      candidates: [{ address, port }],
    });
    if (!card.includes(0) && card[card.length - 1] !== 0x0a) return { card, id: openCard(card).id };
  }
  throw new Error('no argv-safe card in 200 tries');
}

/** Every process inside the LAN's namespaces (`ip netns pids`), with its command name. */
function processesIn(lan: Lan): Array<{ pid: number; comm: string }> {
  return lan.namespaces.flatMap((ns) =>
    execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((p) => ({ pid: Number(p), comm: readFileSync(`/proc/${p}/comm`, 'utf8').trim() })),
  );
}

const isUp = (instance: string) => (l: Line) => l.event === 'up' && l.instance === instance;

describeLan('mDNS interop with avahi', () => {
  it("avahi resolves our service and subtype with the TXT intact; we discover an avahi-published card; our QU probes meet avahi's defence; close() kills it all", async () => {
    // No zero octet in the addresses: the avahi-published card carries one (see argvSafeCard).
    const lan = await createLan({ hosts: 4, name: 'mdnsav', subnet: '10.177.77.0/24' });
    let procs: Array<{ pid: number; comm: string }> = [];
    const dirs: Array<() => void> = [];
    try {
      const [a, b, d, c] = lan.hosts as [LanHost, LanHost, LanHost, LanHost];
      const avahi = await startAvahi(d, 'avahi-d');
      dirs.push(avahi.dispose);

      // 1. Ours → avahi.
      const ad = startPeer(a, 'announce', { name: 'FrontDoor', deviceTypes: ['doorbell'], port: 40000 });
      const announced = await ad.waitFor((l) => l.event === 'announced', 10_000, 'announced');
      const card = Buffer.from(String(announced.card), 'base64');
      const seen = await avahiResolve(d, avahi.env, '_lanrtc._udp', 'FrontDoor');
      expect(seen.address).toBe(a.ip);
      expect(seen.port).toBe(40000);
      expect(seen.host).toBe(`${String(announced.hostName)}.local`);
      expect(text(txtValue(seen.txt, 'v'))).toBe('1');
      expect(text(txtValue(seen.txt, 'id'))).toBe(announced.id);
      expect(text(txtValue(seen.txt, 'n'))).toBe('FrontDoor');
      expect(text(txtValue(seen.txt, 't'))).toBe('doorbell');
      // The binary card, byte for byte, through avahi's `\DDD` escaping.
      expect(Buffer.from(txtValue(seen.txt, 'c') ?? [])).toEqual(card);
      const sub = await avahiResolve(d, avahi.env, '_doorbell._sub._lanrtc._udp', 'FrontDoor');
      expect(sub.address).toBe(a.ip);
      expect(Buffer.from(txtValue(sub.txt, 'c') ?? [])).toEqual(card);

      // 2. avahi → ours: avahi-publish with a real signed card as a raw TXT argument.
      const all = startPeer(b, 'browse', {});
      const doorbells = startPeer(b, 'browse', { deviceType: 'doorbell' });
      for (const br of [all, doorbells]) await br.waitFor((l) => l.event === 'browsing', 10_000, 'browsing');
      const mine = argvSafeCard('AvahiCam', d.ip, 40002);
      const cardFile = join(avahi.dir, 'card.bin');
      writeFileSync(cardFile, mine.card);
      // `"$(cat f; printf x)"` keeps the bytes exactly (minus the sentinel); Node's argv would UTF-8 them.
      d.spawn(
        'sh',
        [
          '-c',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not JS
          'c="$(cat "$1"; printf x)"; c="${c%x}"; exec avahi-publish -s --subtype=_doorbell._sub._lanrtc._udp "$2" _lanrtc._udp 40002 v=1 "id=$3" "n=$2" t=doorbell "c=$c"',
          'sh',
          cardFile,
          'AvahiCam',
          mine.id,
        ],
        { env: avahi.env, stdio: 'ignore' },
      );
      for (const br of [all, doorbells]) {
        const up = await br.waitFor(isUp('AvahiCam'), 8000, 'AvahiCam up');
        expect(up.id).toBe(mine.id);
        expect(Buffer.from(String(up.card), 'base64')).toEqual(Buffer.from(mine.card));
        expect(up.port).toBe(40002);
        expect((up.addresses as string[])[0]).toBe(d.ip);
        expect(up.host).toBe('avahi-d.local');
      }

      // 3. A newcomer on c (alone on port 5353 there) probes for avahi's name with QU questions
      //    (RFC 6762 §8.1); avahi defends it and the newcomer renames itself (§9).
      const counter = startPeer(b, 'count');
      await counter.waitFor((l) => l.event === 'counting', 10_000, 'counting');
      const clash = startPeer(c, 'announce', { name: 'AvahiCam', deviceTypes: ['game'], port: 40003 });
      const renamed = await clash.waitFor((l) => l.event === 'announced', 10_000, 'newcomer announced');
      expect(renamed.name).toBe('AvahiCam (2)');
      counter.send('report');
      const report = await counter.waitFor((l) => l.event === 'report', 5000, 'report');
      const probes = (report.probes as Record<string, { qu: number; qm: number }>)[c.ip];
      expect(probes?.qu).toBeGreaterThanOrEqual(2); // at least one probe: instance and host questions
      expect(probes?.qm).toBe(0);
      const twin = await all.waitFor(isUp('AvahiCam (2)'), 8000, 'AvahiCam (2) up');
      expect((twin.addresses as string[])[0]).toBe(c.ip);
      expect(all.lines.filter((l) => l.event === 'down')).toEqual([]);
      procs = processesIn(lan);
    } finally {
      await lan.close();
      for (const dispose of dirs) dispose();
    }

    // 3. Teardown: every node, dbus-daemon, avahi-daemon and avahi-publish is gone, and so are the namespaces.
    const names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(' ')[0]);
    // tsx (which runs the TypeScript fixtures) may or may not have started its esbuild service yet.
    const seen = new Set(procs.map((p) => p.comm));
    seen.delete('esbuild');
    expect(seen).toEqual(new Set(['node', 'dbus-daemon', 'avahi-daemon', 'avahi-publish']));
    expect(procs.filter((p) => !isDead(p.pid))).toEqual([]);
    expect(lan.namespaces.filter((n) => names.includes(n))).toEqual([]);
  }, 60_000);
});
