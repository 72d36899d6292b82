/**
 * `lanrtc listen --pin` on host A with a PIN guesser on host B (`lanrtc connect --pin` with wrong
 * PINs): A reports every failed attempt, says when PIN pairing locks, and prints a pairing card that
 * no guesser can lock; a user pastes it and pairs while the PIN is still locked. The PIN A shows does
 * not change under the user because someone else guessed wrong.
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { expect, it } from 'vitest';
import { MAIN } from '../support.js';
import { cliLan, text, watch } from './support.js';

describeLan('lanrtc listen --pin under a PIN guesser', () => {
  const env = cliLan();

  it('reports the guessing, locks the PIN only, and hands out a pairing card that pairs meanwhile', async () => {
    const [configA, configB, configC] = [env.config(), env.config(), env.config()];
    const device = await loadOrCreateNodeIdentity({ dir: configA });
    const user = await loadOrCreateNodeIdentity({ dir: configC });
    const [a, b] = await env.hosts(2);

    const child = a.node(MAIN, [
      'listen',
      ...['--address', a.ip, '--port', '0', '--name', 'Shed', '--type', 'files', '--pin'],
      ...['--config', configA],
    ]);
    const listen = watch(child);
    const pin = String((await listen.next(text(/^PIN: \d{6}$/), 'PIN')).text).slice('PIN: '.length);
    await listen.next(text(/^announced "Shed" over mDNS$/), 'announcement');
    const wrong = pin === '135792' ? '246813' : '135792';

    const guess = () =>
      b.execNode(
        MAIN,
        ['connect', device.identity.id, '--pin', wrong, '--interface', b.ip, '--config', configB],
        { timeoutMs: 30_000 },
      );
    for (let n = 1; n <= 4; n++) {
      const r = await guess();
      expect(r.code).toBe(1);
      await listen.next(text(new RegExp(`^failed PIN attempt \\(${n} in 24 h\\)$`)), `failure ${n} reported`);
    }
    expect((await guess()).code).toBe(1);
    await listen.next(
      text(
        /^someone may be guessing the PIN: too many wrong PINs \(5 in 24 h\); PIN pairing locked for \d+ s/,
      ),
      'lock reported',
    );
    const card = String((await listen.next(text(/^pairing card: LR1:/), 'pairing card')).text).slice(
      'pairing card: '.length,
    );
    // While the PIN is locked, the user pastes the card and pairs.
    const paired = await b.execNode(
      MAIN,
      ['paste', card, '--address', b.ip, '--config', configC, '--message', 'hi'],
      { timeoutMs: 20_000 },
    );
    expect(paired.stderr).toBe('');
    expect(paired.code).toBe(0);
    expect(paired.stdout).toContain('paired now\nreply: hi\n');
    await listen.next(text(new RegExp(`^connected ${user.identity.id} \\(paired now\\)$`)), 'user paired');
    // The PIN is still locked (the right PIN is refused now), and it never changed under the user.
    const locked = await b.execNode(
      MAIN,
      ['connect', device.identity.id, '--pin', pin, '--interface', b.ip, '--config', configB],
      { timeoutMs: 30_000 },
    );
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain('PairingLockedError');
    expect(listen.seen.filter(text(/^PIN: /)).map((l) => l.text)).toEqual([`PIN: ${pin}`]);

    child.kill('SIGTERM');
    expect(await listen.exited).toBe(0);
    expect(listen.stderr()).toBe('');
  }, 120_000);
});
