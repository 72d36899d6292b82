/**
 * `lanrtc listen` on host A and `lanrtc paste` on host B, no relay anywhere: A's card is announced
 * over mDNS; pasting A's pairing card pairs in-band with its one-time secret and echoes; pasting the
 * plain card afterwards connects with no secret (trust persisted on both sides); a stranger pasting
 * the card is refused with a typed error; a peer's escape sequences are printed visibly on both sides;
 * pasting A's whole output pairs (the pairing card wins); SIGTERM stops A cleanly.
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { expect, it } from 'vitest';
import { MAIN } from '../support.js';
import { cliLan, FINDER, text, watch } from './support.js';

describeLan('lanrtc listen / paste: direct connect from a pasted QR text', () => {
  const env = cliLan();

  it('pairs with the pairing card, reconnects with the card, refuses a stranger, stops on SIGTERM', async () => {
    const [configA, configB, configC] = [env.config(), env.config(), env.config()];
    const device = await loadOrCreateNodeIdentity({ dir: configA });
    const phone = await loadOrCreateNodeIdentity({ dir: configB });
    const [a, b] = await env.hosts(2);

    const child = a.node(MAIN, [
      'listen',
      ...['--address', a.ip, '--port', '0', '--name', 'Shed', '--type', 'files', '--pair'],
      ...['--config', configA],
    ]);
    const listen = watch(child);
    const card = String((await listen.next(text(/^card: LR1:/), 'card line')).text).slice('card: '.length);
    const pairing = String((await listen.next(text(/^pairing card: LR1:/), 'pairing card')).text).slice(
      'pairing card: '.length,
    );
    const port = Number(/ port (\d+)$/.exec(String(listen.seen.find(text(/^listening on udp /))?.text))?.[1]);
    await listen.next(text(/^announced "Shed" over mDNS$/), 'announcement');

    const finder = watch(b.node(FINDER, [b.ip, 'files']));
    const up = await finder.next((l) => l.event === 'up', 'browse up');
    expect(up).toMatchObject({ id: device.identity.id, name: 'Shed', candidates: [{ address: a.ip, port }] });
    finder.kill();

    const paste = (config: string, qr: string, ...messages: string[]) =>
      b.execNode(
        MAIN,
        ['paste', qr, '--address', b.ip, '--config', config, ...messages.flatMap((m) => ['--message', m])],
        {
          timeoutMs: 20_000,
        },
      );
    // A's whole output pasted: it has the plain card first, the pairing card wins.
    const whole = listen.seen.map((l) => String(l.text)).join('\n');
    expect(whole).toContain(`pairing card: ${pairing}`);
    const first = await paste(configB, whole, 'hello', 'world');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `connected to Shed (${device.identity.id}), paired now\nreply: hello\nreply: world\n`,
    );
    await listen.next(
      text(new RegExp(`^connected ${phone.identity.id} \\(paired now\\)$`)),
      'paired connection',
    );

    const again = await paste(configB, card, 'again');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`connected to Shed \\(${device.identity.id}\\)\\nreply: again\\n`),
    );

    // A peer's escape sequences (a screen clear, an OSC 52 clipboard write) are printed visibly on
    // both terminals: in A's echo line and in B's reply line.
    const hostile = '\x1b[2J\x1b]52;c;aGk=\x07\x9bx';
    const shown = '\\x1b[2J\\x1b]52;c;aGk=\\x07\\x9bx';
    const escaped = await paste(configB, card, hostile);
    expect(escaped.code).toBe(0);
    expect(escaped.stdout).toContain(`reply: ${shown}\n`);
    expect(escaped.stdout.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    await listen.next(text(new RegExp(`^${phone.identity.id}: \\\\x1b\\[2J`)), 'escaped echo line');
    expect(listen.seen.map((l) => String(l.text))).toContain(`${phone.identity.id}: ${shown}`);
    expect(listen.seen.some(text(/\p{Cc}/u))).toBe(false);

    const stranger = await paste(configC, card, 'let me in');
    expect(stranger.code).toBe(1);
    // What to do, not just what went wrong: the device does not trust this identity, pair first.
    expect(stranger.stderr).toMatch(
      /^lanrtc paste: NotPairedYetError: "Shed" .* does not trust this identity .*pair first/,
    );
    expect(stranger.stdout).not.toContain('reply:');
    await listen.next(text(/^dropped a peer: NotPairedError/), 'stranger dropped');
    // Nothing from the stranger reached the echo.
    expect(listen.seen.some(text(/let me in/))).toBe(false);

    // The one-time pairing card used a second time (by the stranger): said as such.
    const reused = await paste(configC, pairing, 'again');
    expect(reused.code).toBe(1);
    expect(reused.stderr).toMatch(/^lanrtc paste: PairingCardUsedError: .*used already or withdrawn/);
    // SIGUSR1: a new pairing card without a restart; the stranger pairs with it.
    const before = listen.seen.filter(text(/^pairing card: /)).length;
    child.kill('SIGUSR1');
    await listen.next(() => listen.seen.filter(text(/^pairing card: /)).length > before, 'new pairing card');
    const fresh = String(listen.seen.filter(text(/^pairing card: /)).at(-1)?.text).slice(
      'pairing card: '.length,
    );
    expect(fresh).not.toBe(pairing);
    const late = await paste(configC, fresh, 'late');
    expect(late.stdout).toContain('paired now\nreply: late\n');
    // The same identity on both ends (A's own config directory): a mistake named, with what to do.
    const self = await paste(configA, card, 'me');
    expect(self.code).toBe(1);
    expect(self.stderr).toContain(
      `SameIdentityError: both sides use the identity in ${configA} — give one of them --config`,
    );

    child.kill('SIGTERM');
    expect(await listen.exited).toBe(0);
    expect(listen.seen.some(text(/^stopping \(SIGTERM\)$/))).toBe(true);
    expect(listen.stderr()).toBe('');

    // A device that does not answer: which address, for how long.
    const gone = await paste(configB, card, 'anyone?');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(
      `DeviceNotAnsweringError: "Shed" did not answer at udp ${a.ip}:${port} within 10 s`,
    );
  }, 90_000);
});
