import { describe, expect, it } from 'vitest';
import { statusLines } from '../src/host/terminal.js';
import { startTickLoop } from '../src/host/tick-loop.js';
import { createGameHarness } from './support/game-harness.js';

/** A fake clock and timer: `runUntil` moves time on firing the timer when due; `stall`/`cost` move it without. */
function fakeTime() {
  let t = 1000;
  let pending: { at: number; fn: () => void } | undefined;
  return {
    now: () => t,
    setTimer: (fn: () => void, ms: number) => {
      pending = { at: t + ms, fn };
      return pending;
    },
    clearTimer: () => {
      pending = undefined;
    },
    runUntil(to: number) {
      while (pending && pending.at <= to) {
        const p = pending;
        pending = undefined;
        t = Math.max(t, p.at);
        p.fn();
      }
      t = Math.max(t, to);
    },
    stall(ms: number) {
      t += ms;
    },
    cost(ms: number) {
      t += ms;
    },
  };
}

describe('the tick loop', () => {
  it('holds the rate on time: one tick per slot, none dropped or late', () => {
    const time = fakeTime();
    let ran = 0;
    const loop = startTickLoop({
      tick: () => ran++,
      onError: () => undefined,
      tickMs: 10,
      maxCatchUp: 5,
      ...time,
    });
    time.runUntil(2000);
    const s = loop.stats();
    expect(ran).toBe(100);
    expect(s).toMatchObject({ ticks: 100, dropped: 0, late: 0 });
    expect(s.maxLatenessMs).toBeLessThanOrEqual(10);
    expect(s.elapsedMs).toBe(1000);
    loop.stop();
    time.runUntil(3000);
    expect(ran).toBe(100);
  });

  it('after a stall runs at most the catch-up limit back to back and counts the rest as dropped', () => {
    const time = fakeTime();
    let ran = 0;
    const loop = startTickLoop({
      tick: () => ran++,
      onError: () => undefined,
      tickMs: 10,
      maxCatchUp: 5,
      ...time,
    });
    time.runUntil(1100); // 10 ticks on time
    expect(loop.stats()).toMatchObject({ ticks: 10, dropped: 0, late: 0 });
    // The event loop is blocked: the timer due at 1110 fires at 1305, when slots 11…30 are due.
    time.stall(205);
    time.runUntil(1305);
    const s = loop.stats();
    // 20 slots due at once: the last 5 run (4 of them more than a tick late), 15 are dropped.
    expect(s.dropped).toBe(15);
    expect(s.ticks).toBe(15);
    expect(ran).toBe(15);
    expect(s.late).toBe(4);
    // The loop woke 195 ms after slot 11 was due (at 1110): the stall, though slot 11 was dropped.
    expect(s.maxLatenessMs).toBe(195);
    // Back on schedule afterwards: every slot runs once, nothing more dropped.
    time.runUntil(1500);
    expect(loop.stats()).toMatchObject({ ticks: 35, dropped: 15, late: 4 });
    loop.stop();
  });

  it('counts the ticks that slow ticks before them made late', () => {
    const time = fakeTime();
    const loop = startTickLoop({
      tick: () => time.cost(25), // each tick takes 2.5 slots: the loop falls behind and drops
      onError: () => undefined,
      tickMs: 10,
      maxCatchUp: 5,
      ...time,
    });
    time.runUntil(2000);
    const s = loop.stats();
    expect(s.ticks).toBeGreaterThan(30);
    expect(s.ticks).toBeLessThan(45);
    expect(s.late).toBeGreaterThan(0);
    expect(s.dropped).toBeGreaterThan(0);
    // Every slot is either run or dropped (the last few may still be due).
    expect(s.ticks + s.dropped).toBeGreaterThan(95);
    expect(s.ticks + s.dropped).toBeLessThanOrEqual(100);
    loop.stop();
  });

  it('goes on after a tick throws and reports the error', () => {
    const time = fakeTime();
    const errors: Error[] = [];
    let n = 0;
    const loop = startTickLoop({
      tick: () => {
        if (++n === 3) throw new Error('boom');
      },
      onError: (e) => errors.push(e),
      tickMs: 10,
      maxCatchUp: 5,
      ...time,
    });
    time.runUntil(1100);
    expect(errors.map((e) => e.message)).toEqual(['boom']);
    expect(loop.stats().ticks).toBeGreaterThanOrEqual(9);
    loop.stop();
  });
});

describe("the loop's counters in the host's status", () => {
  it('are absent without a loop, and `status` prints them when there is one', () => {
    const h = createGameHarness();
    expect(h.host.status().loop).toBeUndefined();
    const stats = { ticks: 600, dropped: 2, late: 3, maxLatenessMs: 40.4, elapsedMs: 10_000 };
    const lines = statusLines({ ...h.host.status(), loop: stats });
    expect(lines.at(-1)).toBe('ticks: 600 in 10 s (60.0/s), 2 dropped, 3 late, worst 40 ms behind');
  });
});
