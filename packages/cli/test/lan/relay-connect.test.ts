/**
 * `lanrtc connect` to a device whose card names only a relay: found over mDNS, reached through that
 * real @lanrtc/relay (login, node agent, PIN pairing), echo on channel `lanrtc`; a second connect
 * needs no PIN; the device is stored under its card's name.
 */
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { expect, it } from 'vitest';
import { MAIN } from '../support.js';
import { cliLan, watch } from './support.js';

const RELAY_DEVICE = new URL('./fixtures/relay-device.ts', import.meta.url).pathname;

describeLan('lanrtc connect through the relay a card names', () => {
  const env = cliLan();

  it('pairs by PIN through the relay, echoes, reconnects without the PIN', async () => {
    const config = env.config();
    const [b, c] = await env.hosts(2);
    const device = watch(c.node(RELAY_DEVICE, [c.ip]));
    const { pin, id } = (await device.next((l) => typeof l.pin === 'string', 'device ready')) as {
      pin: string;
      id: string;
    };
    const lanrtc = (...args: string[]) =>
      b.execNode(MAIN, [...args, '--interface', b.ip, '--address', b.ip, '--config', config], {
        timeoutMs: 40_000,
      });

    const first = await lanrtc('connect', 'Doorbell', '--pin', pin, '--message', 'ding');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`found "Doorbell" (${id}) at relay ws://${c.ip}:`);
    expect(first.stdout).toContain(`connected to Doorbell (${id}), paired now\nreply: ding\n`);

    const again = await lanrtc('connect', id, '--message', 'dong');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`connected to Doorbell (${id})\nreply: dong\n`);

    const peers = await b.execNode(MAIN, ['peers', '--json', '--config', config]);
    expect(JSON.parse(peers.stdout)).toEqual([
      expect.objectContaining({ id, name: 'Doorbell', deviceTypes: ['doorbell'], paired: true }),
    ]);
    device.kill();
  }, 90_000);
});
