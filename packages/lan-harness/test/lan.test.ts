import { expect, it, vi } from 'vitest';
import { isDead } from '../../../test/kit/processes.js';
import { InvalidLanOptionsError, LanClosedError } from '../src/errors.js';
import { createLan, lanAvailability, withLan } from '../src/index.js';
import { openLanCount } from '../src/teardown.js';
import { describeLan, lanTestOrSkip } from '../src/vitest.js';
import { fixture, lineReader, surviving } from './support.js';

describeLan('createLan', () => {
  it('builds 3 hosts with lo, eth0 on one /24 and a default route, in well under a second', async () => {
    const t0 = performance.now();
    const lan = await createLan({ hosts: 3, name: 'shape' });
    const ms = performance.now() - t0;
    try {
      console.log(`lan-harness: 3-host LAN built in ${ms.toFixed(1)} ms`);
      expect(ms).toBeLessThan(1000);
      expect(lan.namespaces).toHaveLength(4);
      for (const n of lan.namespaces) expect(n.startsWith(`lrtc-${lan.runId}-shape-`)).toBe(true);
      expect(await surviving(lan.namespaces)).toEqual(lan.namespaces);
      const prefix = lan.subnet.replace(/0\/24$/, '');
      expect(lan.hosts.map((h) => h.ip)).toEqual([`${prefix}1`, `${prefix}2`, `${prefix}3`]);
      for (const h of lan.hosts) {
        const links = JSON.parse((await h.exec('ip', ['-j', 'addr'])).stdout) as Array<{
          ifname: string;
          operstate: string;
          flags: string[];
          addr_info: Array<{ family: string; local: string }>;
        }>;
        expect(links.map((l) => l.ifname).sort()).toEqual(['eth0', 'lo']);
        const eth0 = links.find((l) => l.ifname === 'eth0');
        expect(eth0?.flags).toContain('UP');
        expect(eth0?.addr_info.filter((a) => a.family === 'inet').map((a) => a.local)).toEqual([h.ip]);
        expect(links.find((l) => l.ifname === 'lo')?.flags).toContain('UP');
        expect((await h.exec('ip', ['route', 'show', 'default'])).stdout.trim()).toBe(
          'default dev eth0 scope link',
        );
      }
      // Hosts reach each other over the bridge.
      const [a, b] = lan.hosts as [(typeof lan.hosts)[0], (typeof lan.hosts)[0]];
      const rx = lineReader(a.node(fixture('udp.mjs'), ['recv', a.ip, '40000']));
      expect(await rx.next()).toBe('ready');
      await b.execNode(fixture('udp.mjs'), ['send', a.ip, '40000', 'hello']);
      const got = await rx.next();
      expect(JSON.parse(got)).toEqual({ text: 'hello', from: b.ip });
    } finally {
      await lan.close();
    }
  });

  it('gives hosts extra IPv4 addresses, at creation and later', async () => {
    await withLan({ hosts: [{ label: 'multi', extraAddresses: 1 }, { label: 'peer' }] }, async (lan) => {
      const multi = lan.host('multi');
      expect(multi.addresses).toHaveLength(2);
      const third = await multi.addAddress();
      expect(multi.addresses).toEqual([multi.ip, expect.any(String), third]);
      const shown = (await multi.exec('ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout;
      for (const a of multi.addresses) expect(shown).toContain(`${a}/24`);
      // The peer reaches the host on its extra address.
      const rx = lineReader(multi.node(fixture('udp.mjs'), ['recv', third, '40001']));
      expect(await rx.next()).toBe('ready');
      await lan.host('peer').execNode(fixture('udp.mjs'), ['send', third, '40001', 'second']);
      const got = await rx.next();
      expect(JSON.parse(got).text).toBe('second');
      expect(() => lan.host('nope')).toThrow(InvalidLanOptionsError);
    });
  });

  it('adds ULA IPv6 addresses that are usable at once (no DAD wait)', async () => {
    await withLan({ hosts: 2, ipv6: true }, async (lan) => {
      const [a, b] = lan.hosts as [(typeof lan.hosts)[0], (typeof lan.hosts)[0]];
      expect(a.ip6).toMatch(/^fd00:0:\d+:\d+::1$/);
      expect(lan.subnet6).toMatch(/^fd00:0:\d+:\d+::\/64$/);
      const rx = lineReader(a.node(fixture('udp.mjs'), ['recv', a.ip6 as string, '40002']));
      expect(await rx.next()).toBe('ready');
      await b.execNode(fixture('udp.mjs'), ['send', a.ip6 as string, '40002', 'six']);
      const got = await rx.next();
      expect(JSON.parse(got)).toEqual({ text: 'six', from: b.ip6 });
    });
  });

  it('rejects bad options before touching the system', async () => {
    await expect(createLan({ hosts: 0 })).rejects.toThrow(InvalidLanOptionsError);
    await expect(createLan({ hosts: 2, subnet: '10.77.0.0/24' })).rejects.toThrow(InvalidLanOptionsError);
    await expect(createLan({ hosts: [{ label: 'a' }, { label: 'a' }] })).rejects.toThrow(
      InvalidLanOptionsError,
    );
    await expect(createLan({ hosts: 1, name: 'Bad Name' })).rejects.toThrow(InvalidLanOptionsError);
    expect(openLanCount()).toBe(0);
  });
});

describeLan('close', () => {
  it('kills owned processes, stragglers and deletes every namespace; idempotent', async () => {
    const lan = await createLan({ hosts: 2, killGraceMs: 200 });
    const [a, b] = lan.hosts as [(typeof lan.hosts)[0], (typeof lan.hosts)[0]];
    const plain = a.spawn('sleep', ['300']);
    // Ignores SIGTERM (the disposition survives exec into sleep): needs the SIGKILL after the grace.
    const stubborn = b.spawn('sh', ['-c', 'trap "" TERM; sleep 300']);
    // A daemon in its own session, outside every owned process group: only `ip netns pids` finds it.
    const daemonOut = await a.exec('sh', ['-c', 'setsid sleep 300 > /dev/null 2>&1 & echo $!']);
    const daemon = Number(daemonOut.stdout.trim());
    expect(daemon).toBeGreaterThan(0);
    expect(isDead(daemon)).toBe(false);
    expect(openLanCount()).toBe(1);

    await Promise.all([lan.close(), lan.close()]);
    await lan.close();

    expect(await surviving(lan.namespaces)).toEqual([]);
    expect(isDead(plain.pid as number)).toBe(true);
    expect(isDead(stubborn.pid as number)).toBe(true);
    expect(stubborn.signalCode).toBe('SIGKILL');
    expect(isDead(daemon)).toBe(true);
    expect(openLanCount()).toBe(0);
    expect(() => a.spawn('true')).toThrow(LanClosedError);
    await expect(a.exec('true')).rejects.toThrow(LanClosedError);
  });

  it('withLan closes the LAN when the callback throws', async () => {
    let names: readonly string[] = [];
    await expect(
      withLan({ hosts: 1 }, async (lan) => {
        names = lan.namespaces;
        throw new Error('test body failed');
      }),
    ).rejects.toThrow('test body failed');
    expect(names).toHaveLength(2);
    expect(await surviving(names)).toEqual([]);
  });
});

describeLan('root check', () => {
  // The decision as uid 65534 (nobody): without root the suite must skip loudly, and fail under
  // CI=true. Probed in-process: a child run as nobody cannot read a checkout in a 0700 directory.
  const asNobody = (ci: boolean) => {
    const saved = process.env.CI;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    process.env.CI = ci ? 'true' : 'false';
    try {
      let verdict: string;
      try {
        verdict = lanTestOrSkip('fixture', { uid: 65534 }) ? 'run' : 'skip';
      } catch (err) {
        verdict = `throw: ${(err as Error).message}`;
      }
      const err = warn.mock.calls.map((c) => String(c[0])).join('\n');
      return { availability: lanAvailability({ uid: 65534 }), verdict, err };
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
      warn.mockRestore();
    }
  };

  it('skips loudly without root', () => {
    const r = asNobody(false);
    expect(r.availability.ok).toBe(false);
    expect(r.availability.ok === false && r.availability.reason).toMatch(/root/);
    expect(r.verdict).toBe('skip');
    expect(r.err).toContain('LAN TESTS SKIPPED');
  });

  it('fails instead of skipping under CI=true', () => {
    const r = asNobody(true);
    expect(r.verdict).toMatch(/^throw: LAN tests cannot run under CI=true/);
  });

  it('runs as root with iproute2 present', () => {
    expect(lanAvailability({ uid: 0 })).toEqual({ ok: true });
  });
});
