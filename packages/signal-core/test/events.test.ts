import { describe, expect, it } from 'vitest';
import { createHeldListeners, createListeners } from '../src/exports/session.js';

describe('createListeners', () => {
  it('calls every subscriber in order; unsubscribe stops one; a throwing listener does not stop the rest', () => {
    const errors: unknown[] = [];
    const l = createListeners<number>((e) => errors.push(e));
    const seen: string[] = [];
    const offA = l.add((v) => seen.push(`a${v}`));
    l.add(() => {
      throw new Error('boom');
    });
    l.add((v) => seen.push(`c${v}`));
    l.emit(1);
    offA();
    offA(); // twice is harmless
    l.emit(2);
    expect(seen).toEqual(['a1', 'c1', 'c2']);
    expect(errors).toHaveLength(2);
    expect(l.size).toBe(2);
  });

  it('the same function subscribed twice is two subscriptions, removed one at a time', () => {
    const l = createListeners<number>();
    let n = 0;
    const f = () => n++;
    const off1 = l.add(f);
    l.add(f);
    l.emit(0);
    off1();
    l.emit(0);
    expect(n).toBe(3);
  });
});

describe('createHeldListeners', () => {
  it('holds values until the first subscriber, delivers them after add returns, drops the oldest beyond max', async () => {
    const dropped: number[] = [];
    const l = createHeldListeners<number>(2, (v) => dropped.push(v));
    l.emit(1);
    l.emit(2);
    l.emit(3);
    expect(dropped).toEqual([1]);
    expect(l.held).toBe(2);
    const got: number[] = [];
    // The listener unsubscribes itself with what add returned: possible only because delivery is deferred.
    const off = l.add((v) => {
      got.push(v);
      off();
    });
    expect(got).toEqual([]);
    await Promise.resolve();
    await Promise.resolve();
    expect(got).toEqual([2]);
    // Its unsubscribe came before value 3: that one is held again for the next subscriber.
    expect(l.held).toBe(1);
    l.clear();
    expect(dropped).toEqual([1, 3]);
  });
});
