import { afterEach, expect, it } from 'vitest';
import { createHostRoom } from '../../src/room/host.js';
import { createPlayerRoom } from '../../src/room/player.js';
import { createTestLan, type TestLan, until } from './support.js';

let lan: TestLan;
afterEach(() => lan?.close());

it('smoke', async () => {
  lan = createTestLan();
  const h = lan.agent('host');
  const p1 = lan.agent('player');
  const room = await createHostRoom(h, { room: 'game', name: 'Host' }, lan.platform);
  const player = await createPlayerRoom(p1, room.inviteText, { name: 'Ann' }, lan.platform);
  expect(player.members().map((m) => m.name)).toEqual(['Host', 'Ann']);
  await until(() => room.members().length === 2, 'host roster');
  const got: string[] = [];
  room.onMessage((m) => got.push(new TextDecoder().decode(m.data)));
  player.send(room.self.id, new TextEncoder().encode('hi'));
  await until(() => got.length === 1, 'message');
  await player.leave();
  await until(() => room.members().length === 1, 'leave');
  await room.close();
});
