/**
 * `lanrtc connect` to a device whose card names only a relay: found over mDNS, reached through that
 * real @lanrtc/relay (login, node agent, PIN pairing), echo on channel `lanrtc`; a second connect
 * needs no PIN; the device is stored under its card's name.
 */
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { MAIN, tempConfig } from '../support.js';
import { watch } from './support.js';

const RELAY_DEVICE = new URL('./fixtures/relay-device.ts', import.meta.url).pathname;

describeLan('lanrtc connect through the relay a card names', () => {
  let lan: Lan | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await lan?.close();
    lan = undefined;
    for (const c of cleanups.splice(0)) c();
  });

  it('pairs by PIN through the relay, echoes, reconnects without the PIN', async () => {
    const config = tempConfig();
    cleanups.push(config.cleanup);
    lan = await createLan({ hosts: 2 });
    const [b, c] = lan.hosts as [Lan['hosts'][number], Lan['hosts'][number]];
    const device = watch(c.node(RELAY_DEVICE, [c.ip]));
    const { pin, id } = (await device.next((l) => typeof l.pin === 'string', 'device ready')) as {
      pin: string;
      id: string;
    };
    const lanrtc = (...args: string[]) =>
      b.execNode(MAIN, [...args, '--interface', b.ip, '--address', b.ip, '--config', config.dir], {
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

    const peers = await b.execNode(MAIN, ['peers', '--json', '--config', config.dir]);
    expect(JSON.parse(peers.stdout)).toEqual([
      expect.objectContaining({ id, name: 'Doorbell', deviceTypes: ['doorbell'], paired: true }),
    ]);
    device.kill();
  }, 90_000);
});
