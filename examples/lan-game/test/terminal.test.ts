import { describe, expect, it } from 'vitest';
import { eventLine, statusLines } from '../src/host/terminal.js';
import { createGameHarness } from './support/game-harness.js';

describe('the terminal', () => {
  it('prints joins, leaves and rejoins with colours and kept scores', () => {
    const h = createGameHarness();
    const lines: string[] = [];
    h.host.onEvent((e) => {
      const l = eventLine(e, h.host.status());
      if (l) lines.push(l);
    });
    h.join('ann', 'Ann');
    h.join('bob', 'Bob');
    h.net.drop('ann');
    h.join('ann', 'Ann');
    h.host.start();
    expect(lines).toEqual([
      '+ Ann joined (red)',
      '+ Bob joined (blue)',
      '- Ann left (score kept: 0)',
      '+ Ann is back (score 0)',
      'round 1: get ready…',
    ]);
  });

  it('prints a rejection at the 1st, 10th and 100th of its reason only', () => {
    const h = createGameHarness();
    h.join('ann');
    h.run(2);
    const lines: string[] = [];
    h.host.onEvent((e) => {
      const l = eventLine(e, h.host.status());
      if (l) lines.push(l);
    });
    const ann = h.net.handle('ann');
    for (let k = 0; k < 120; k++) ann.send('host', Uint8Array.of(0x01));
    h.net.advance(1);
    expect(lines.map((l) => l.replace(/from \S+/, 'from …'))).toEqual([
      '! rejected input (malformed) from … — 1 so far',
      '! rejected input (malformed) from … — 10 so far',
      '! rejected input (malformed) from … — 100 so far',
    ]);
    expect(statusLines(h.host.status())).toContain('rejected inputs: malformed 120');
  });
});
