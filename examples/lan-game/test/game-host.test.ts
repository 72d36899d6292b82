import { describe, expect, it } from 'vitest';
import type { GameClient } from '../src/client/game-client.js';
import { encodeInput } from '../src/shared/codec-client.js';
import { decodeHostMessage } from '../src/shared/codec-host.js';
import { COUNTDOWN_S, TICK_HZ } from '../src/shared/constants.js';
import type { HostMessage } from '../src/shared/messages.js';
import { createGameHarness } from './support/game-harness.js';

const right = () => ({ dx: 127, dy: 0, dash: false });

/** A stick that steers `page`'s disc at the first coin. */
const chaseCoin = (page: GameClient) => {
  const me = page.predictor.state;
  const coin = page.coins[0];
  if (!me || !coin) return { dx: 0, dy: 0, dash: false };
  const d = Math.hypot(coin.x - me.x, coin.y - me.y) || 1;
  return {
    dx: Math.round(((coin.x - me.x) / d) * 127),
    dy: Math.round(((coin.y - me.y) / d) * 127),
    dash: false,
  };
};

describe('the host authority', () => {
  it('gives each player a distinct slot (colour) and everyone the same roster', () => {
    const h = createGameHarness();
    const pages = ['ann', 'bob', 'cat'].map((id) => h.join(id));
    h.run(5);
    const slots = pages.map((p) => p.slot);
    expect(new Set(slots).size).toBe(3);
    for (const p of pages) expect(p.roster.map((r) => r.name)).toEqual(['ann', 'bob', 'cat']);
  });

  it('gives a ninth player the slot of one who left when all eight are held', () => {
    const h = createGameHarness();
    for (let k = 0; k < 8; k++) h.join(`p${k}`);
    h.run(2);
    const gone = h.host.status().players.find((p) => p.id === 'p3');
    h.net.drop('p3');
    h.run(2);
    const late = h.join('late');
    h.run(2);
    const players = h.host.status().players;
    expect(players).toHaveLength(8);
    expect(players.find((p) => p.id === 'late')?.slot).toBe(gone?.slot);
    expect(players.some((p) => p.id === 'p3')).toBe(false);
    expect(late.slot).toBe(gone?.slot);
  });

  it('runs countdown → playing → ended on time, with coins only while playing', () => {
    const h = createGameHarness({ roundSeconds: 2 });
    const page = h.join('ann');
    h.run(2);
    expect(h.host.start()).toBe(true);
    h.run(2);
    expect(page.phase).toBe('countdown');
    expect(page.coins).toEqual([]);
    h.run(COUNTDOWN_S * TICK_HZ);
    expect(page.phase).toBe('playing');
    expect(page.coins.length).toBeGreaterThan(0);
    h.run(2 * TICK_HZ);
    expect(page.phase).toBe('ended');
    expect(page.coins).toEqual([]);
    expect(h.host.status().round).toBe(1);
  });

  it('scores coins for the disc that touches them', () => {
    const h = createGameHarness({ roundSeconds: 30, seed: 5 });
    const page = h.join('ann');
    h.host.start();
    h.run(COUNTDOWN_S * TICK_HZ + 1);
    // Steer at the nearest coin until one is taken.
    for (let k = 0; k < 20 * TICK_HZ && h.host.status().players[0]?.score === 0; k++)
      h.run(1, () => chaseCoin(page));
    expect(h.host.status().players[0]?.score).toBeGreaterThan(0);
    h.run(10);
    expect(page.view()[0]?.score).toBe(h.host.status().players[0]?.score);
  });

  it('keeps the score of a player who drops and rejoins the running round', () => {
    const h = createGameHarness({ roundSeconds: 60, seed: 5 });
    const annPage = h.join('ann');
    h.join('bob');
    h.host.start();
    h.run(COUNTDOWN_S * TICK_HZ + 1);
    const annScore = () => h.host.status().players.find((p) => p.id === 'ann')?.score ?? 0;
    for (let k = 0; k < 20 * TICK_HZ && annScore() < 2; k++)
      h.run(1, (id) => (id === 'ann' ? chaseCoin(annPage) : right()));
    const before = h.host.status().players.find((p) => p.id === 'ann');
    expect(before?.score).toBeGreaterThanOrEqual(2);
    h.net.drop('ann');
    h.players.delete('ann');
    h.run(30);
    expect(h.host.status().players.find((p) => p.id === 'ann')?.connected).toBe(false);
    expect(
      h.players
        .get('bob')
        ?.view()
        .map((d) => d.name),
    ).toEqual(['bob']);
    const back = h.join('ann');
    h.run(10);
    const after = h.host.status().players.find((p) => p.id === 'ann');
    expect(after).toMatchObject({ slot: before?.slot, score: before?.score, connected: true });
    expect(back.phase).toBe('playing');
    expect(back.slot).toBe(before?.slot);
  });

  it('rejects impossible inputs and counts them by reason', () => {
    const h = createGameHarness();
    h.join('ann');
    h.join('bob');
    h.run(3);
    const ann = h.net.handle('ann'); // a second handle on ann's room, as a hostile page would use
    const annSlot = h.host.status().players.find((p) => p.id === 'ann')?.slot ?? -1;
    const bobSlot = h.host.status().players.find((p) => p.id === 'bob')?.slot ?? -1;
    const send = (slot: number, seq: number, dx = 0, dy = 0) =>
      ann.send('host', encodeInput({ slot, inputs: [{ seq, dx, dy, dash: false }] }));
    send(bobSlot, 1_000, 10, 0); // for another player
    send(6, 1_001); // a slot nobody has
    send(annSlot, 1_002, 127, 127); // a stick vector longer than full: a speed hack
    send(annSlot, 5_000_000); // a sequence jump
    ann.send('host', Uint8Array.of(0x01, annSlot, 0)); // malformed
    h.run(1);
    const stranger = h.net.join('eve', 'eve');
    h.net.drop('eve'); // gone from the host's view, still sending
    stranger.send('host', encodeInput({ slot: 0, inputs: [{ seq: 1, dx: 0, dy: 0, dash: false }] }));
    h.run(1);
    const rejected = h.host.status().rejected;
    expect(rejected).toMatchObject({
      'other-player': 1,
      'spoofed-slot': 1,
      speed: 1,
      malformed: 1,
      'unknown-sender': 1,
    });
    // The jump was first: ann's stream had accepted her own page's inputs, so 5 000 000 is far past them.
    expect(rejected['seq-jump']).toBe(1);
    // Bob's disc did not move although "his" input said go right.
    const bob = h.host.view().snapshot.discs.find((d) => d.slot === bobSlot);
    expect(bob?.vx).toBe(0);
  });

  it('counts replays and floods', () => {
    const h = createGameHarness();
    h.join('ann');
    h.run(3);
    const ann = h.net.handle('ann');
    const slot = h.host.status().players[0]?.slot ?? 0;
    ann.send('host', encodeInput({ slot, inputs: [{ seq: 1, dx: 0, dy: 0, dash: false }] })); // seq already used
    for (let seq = 100; seq < 400; seq += 8)
      ann.send(
        'host',
        encodeInput({
          slot,
          inputs: Array.from({ length: 8 }, (_, k) => ({ seq: seq + k, dx: 0, dy: 0, dash: false })),
        }),
      );
    h.net.advance(1);
    const { rejected } = h.host.status();
    expect(rejected.replay).toBe(1);
    expect(rejected.flood).toBeGreaterThan(150);
  });

  it('does not blame a player for its own backlog: a host that stalls rejects nothing', () => {
    const h = createGameHarness();
    const page = h.join('ann');
    h.run(10);
    // The host's loop starves (no ticks) while the page keeps sending at 60 Hz.
    for (let k = 0; k < 3 * TICK_HZ; k++) {
      page.step(right());
      h.net.advance(1000 / TICK_HZ);
    }
    // Then its event loop stalls for 1 s: a second of inputs reaches it in one go.
    for (let k = 0; k < TICK_HZ; k++) page.step(right());
    h.net.advance(1000);
    h.run(TICK_HZ, right);
    const status = h.host.status();
    expect(status.rejected.flood).toBe(0);
    expect(status.overflowedInputs).toBeGreaterThan(0);
    // It caught up: the page's latest inputs are applied again.
    expect(h.host.view().snapshot.discs[0]?.ack).toBeGreaterThan(page.counters.inputsSent - 10);
  });

  it('says goodbye to every player when it closes', () => {
    const h = createGameHarness();
    const pages = [h.join('ann'), h.join('bob')];
    h.run(2);
    h.host.close('host left: see you');
    h.net.advance(1);
    for (const p of pages) expect(p.bye).toBe('host left: see you');
  });

  it('sends snapshots at 30 Hz, unreliable, and reliable events otherwise', () => {
    const h = createGameHarness();
    h.join('ann');
    const seen: HostMessage['type'][] = [];
    const spy = h.net.join('spy', 'spy');
    spy.onMessage((m) => {
      const t = decodeHostMessage(m.data).type;
      seen.push(t);
      expect(m.delivery).toBe(t === 'snapshot' ? 'unreliable' : 'reliable');
    });
    h.run(TICK_HZ);
    expect(seen.filter((t) => t === 'snapshot').length).toBe(30);
    expect(seen).toContain('pings');
  });
});
