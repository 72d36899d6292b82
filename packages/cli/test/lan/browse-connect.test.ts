/**
 * `lanrtc browse`, `lanrtc connect` and `lanrtc peers` on a namespace LAN of three hosts, as a person
 * uses them: A runs `listen --pin` as "Shed", C runs another "Shed" and announces a forged and an
 * expiring card. B browses (two Sheds listed, the bad cards counted, never listed), `connect Shed` is
 * ambiguous, connecting by id without the PIN is "not paired yet", with the PIN it pairs (stored under
 * the card's name), connects again without it; after `peers revoke` on A, B is refused; an unknown
 * name is "not found within N s".
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { expect, it } from 'vitest';
import { MAIN } from '../support.js';
import { cliLan, text, watch } from './support.js';

const BAD_CARDS = new URL('./fixtures/bad-cards.ts', import.meta.url).pathname;

describeLan('lanrtc browse / connect / peers on a LAN', () => {
  const env = cliLan();

  it('lists verified cards, connects by name or id with a PIN, revoke refuses', async () => {
    const [configA, configB, configC] = [env.config(), env.config(), env.config()];
    const shed = (await loadOrCreateNodeIdentity({ dir: configA })).identity.id;
    const phone = (await loadOrCreateNodeIdentity({ dir: configB })).identity.id;
    const other = (await loadOrCreateNodeIdentity({ dir: configC })).identity.id;
    const [a, b, c] = await env.hosts(3);

    const listenA = watch(
      a.node(MAIN, [
        'listen',
        '--pin',
        '--name',
        'Shed',
        '--type',
        'files',
        '--address',
        a.ip,
        '--port',
        '0',
        '--config',
        configA,
      ]),
    );
    const listenC = watch(
      c.node(MAIN, [
        'listen',
        '--name',
        'Shed',
        '--type',
        'game',
        '--address',
        c.ip,
        '--port',
        '0',
        '--config',
        configC,
      ]),
    );
    const bad = watch(c.node(BAD_CARDS, [c.ip]));
    const pinLine = await listenA.next(text(/^PIN: \d{6}$/), 'PIN');
    let pin = String(pinLine.text).slice('PIN: '.length);
    // Two devices named Shed: whichever probes second is renamed "Shed (2)" (RFC 6762 §9), cards keep "Shed".
    await listenA.next(text(/^announced "Shed.*" over mDNS$/), 'A announced');
    await listenC.next(text(/^announced "Shed.*" over mDNS$/), 'C announced');
    await bad.next(text(/^ready$/), 'bad cards announced');
    await new Promise((r) => setTimeout(r, 2_500)); // the stale card expires
    const portA = Number(
      / port (\d+)$/.exec(String(listenA.seen.find(text(/^listening on udp /))?.text))?.[1],
    );

    const lanrtc = (...args: string[]) =>
      b.execNode(MAIN, [...args, '--config', configB], { timeoutMs: 30_000 });

    // Live: one JSON line per event as cards come.
    const live = watch(b.node(MAIN, ['browse', '--json', '--interface', b.ip, '--config', configB]));
    const upA = await live.next((l) => l.event === 'up' && l.id === shed, 'live up of A');
    expect(upA).toEqual({
      event: 'up',
      name: 'Shed',
      id: shed,
      types: ['files'],
      addresses: [expect.stringMatching(new RegExp(`^${a.ip.replaceAll('.', '\\.')}:\\d+$`))],
      paired: false,
    });
    await live.next((l) => l.event === 'up' && l.id === other, 'live up of C');
    await live.next((l) => l.event === 'ignored' && l.forged === 1 && l.expired === 1, 'ignored count');
    expect(live.seen.some((l) => l.name === 'Forged' || l.name === 'Stale')).toBe(false);
    live.kill();
    expect(await live.exited).toBe(0);

    const browsed = await lanrtc('browse', '--wait', '4', '--json', '--interface', b.ip);
    expect(browsed.code).toBe(0);
    const list = JSON.parse(browsed.stdout) as {
      devices: { name: string; id: string; types: string[]; addresses: string[]; paired: boolean }[];
      ignored: { forged: number; expired: number };
    };
    expect(list.devices).toHaveLength(2);
    expect(list.devices).toContainEqual({
      name: 'Shed',
      id: shed,
      types: ['files'],
      addresses: [`${a.ip}:${portA}`],
      paired: false,
    });
    expect(list.devices.map((d) => d.id).sort()).toEqual([shed, other].sort());
    expect(list.ignored).toEqual({ forged: 1, expired: 1 });

    const ambiguous = await lanrtc('connect', 'Shed', '--interface', b.ip);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(`AmbiguousDeviceError: 2 devices are named "Shed"`);
    expect(ambiguous.stderr).toContain(shed);
    expect(ambiguous.stderr).toContain(other);

    const unpaired = await lanrtc('connect', shed, '--interface', b.ip, '--message', 'hi');
    expect(unpaired.code).toBe(1);
    expect(unpaired.stderr).toMatch(/NotPairedYetError: "Shed" .* does not trust this identity .*pair first/);

    pin = String(listenA.seen.filter(text(/PIN: \d{6}$/)).at(-1)?.text).replace(/^.*PIN: /, '');
    const paired = await lanrtc(
      'connect',
      shed,
      '--pin',
      pin,
      '--name',
      'Phone',
      '--interface',
      b.ip,
      '--message',
      'hi',
    );
    expect(paired.stderr).toBe('');
    expect(paired.code).toBe(0);
    expect(paired.stdout).toContain(`connected to Shed (${shed}), paired now\nreply: hi\n`);
    await listenA.next(text(new RegExp(`^connected ${phone} \\(paired now\\)$`)), 'paired on A');

    const peersB = JSON.parse((await lanrtc('peers', '--json')).stdout) as {
      id: string;
      name: string;
      paired: boolean;
    }[];
    expect(peersB).toEqual([
      expect.objectContaining({ id: shed, name: 'Shed', deviceTypes: ['files'], paired: true }),
    ]);
    // A stores B under the name of the card B sent after pairing, not "".
    await listenA.next(text(new RegExp(`^named ${phone} "Phone" \\(from its card\\)$`)), 'named on A');
    const peersA = JSON.parse((await a.execNode(MAIN, ['peers', '--json', '--config', configA])).stdout) as {
      id: string;
      name: string;
    }[];
    expect(peersA).toEqual([
      expect.objectContaining({ id: phone, name: 'Phone', deviceTypes: ['cli'], paired: true }),
    ]);

    const again = await lanrtc('connect', shed, '--interface', b.ip, '--message', 'again');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('reply: again\n');
    const browsedAgain = await lanrtc('browse', '--wait', '3', '--type', 'files', '--interface', b.ip);
    expect(browsedAgain.stdout).toMatch(new RegExp(`"Shed"  files  ${shed}  ${a.ip}:${portA}  paired\\n`));

    // Revoked on A (a file in A's config directory; the running listener reads it per connection).
    const revoke = await a.execNode(MAIN, ['peers', 'revoke', phone, '--config', configA]);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain(`revoked ${phone}`);
    const refused = await lanrtc('connect', shed, '--interface', b.ip, '--message', 'still me');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NotPairedYetError');
    expect(listenA.seen.some(text(/still me/))).toBe(false);

    const missing = await lanrtc('connect', 'Nobody', '--timeout', '2', '--interface', b.ip);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /DeviceNotFoundError: no device named or with id "Nobody" announced itself within 2 s/,
    );

    for (const w of [listenA, listenC, bad]) w.kill();
    expect(await listenA.exited).toBe(0);
  }, 120_000);
});
