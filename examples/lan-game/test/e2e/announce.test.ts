/**
 * The game host announces itself over mDNS as device type `game`: a browser of that subtype on
 * another LAN host finds its verified card — the host's identity (the one the join code names), the
 * game's name, an address on the LAN.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { decodeRoomInvite } from '@lanrtc/signal-core';
import { expect, it } from 'vitest';
import { useGameLan } from '../support/game-lan.js';

const browseScript = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'browse-games.ts');

describeLan('lan-game: announced over mDNS as type game', () => {
  const fixture = useGameLan(['--announce', '--name', 'Friday games'], { chromium: false });

  it('another host browsing _game._sub finds the verified card of the host the join code names', async () => {
    const { a, b, game } = fixture();
    const invite = decodeRoomInvite(
      new URLSearchParams(new URL(game.joinUrl).hash.slice(1)).get('join') ?? '',
    );
    const found = await b.execNode(browseScript, [b.ip], { timeoutMs: 20_000 });
    expect(found.code, found.stderr).toBe(0);
    const card = JSON.parse(found.stdout) as {
      id: string;
      name: string;
      deviceTypes: string[];
      candidates: unknown[];
    };
    expect(card).toMatchObject({ id: invite.host, name: 'Friday games', deviceTypes: ['game'] });
    expect(JSON.stringify(card.candidates)).toContain(a.ip);
  }, 60_000);
});
