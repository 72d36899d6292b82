import { describe, expect, it } from 'vitest';
import { SessionTimeoutError, TransportClosedError } from '../../src/index.js';
import { Inbox } from '../../src/session/inbox.js';

const timeout = () => new SessionTimeoutError('t');

describe('session inbox', () => {
  it('delivers every item to takers while a race is pending (a racer never swallows an item)', async () => {
    const inbox = new Inbox<number>(8);
    const never = new Promise<void>(() => {});
    const first = inbox.take(1_000, timeout);
    const racing = inbox.race(never, 1_000, timeout);
    inbox.push(1);
    expect(await first).toBe(1);
    // The racer is now older than the next taker: the item must still go to the taker.
    const second = inbox.take(1_000, timeout);
    inbox.push(2);
    expect(await second).toBe(2);
    inbox.end();
    await expect(racing).rejects.toThrow(TransportClosedError);
  });

  it('race settles with the promise, the failure, or the deadline — whichever comes first', async () => {
    const inbox = new Inbox<number>(8);
    expect(await inbox.race(Promise.resolve('ok'), 1_000, timeout)).toBe('ok');
    await expect(inbox.race(new Promise(() => {}), 10, timeout)).rejects.toThrow(SessionTimeoutError);
    const pending = inbox.race(new Promise(() => {}), 1_000, timeout);
    inbox.fail(new SessionTimeoutError('gone'));
    await expect(pending).rejects.toThrow('gone');
    await expect(inbox.race(Promise.resolve(1), 1_000, timeout)).rejects.toThrow('gone');
  });

  it('queues up to its limit, counts drops, and rejects takers after it ends', async () => {
    const inbox = new Inbox<number>(2);
    expect([inbox.push(1), inbox.push(2), inbox.push(3)]).toEqual([true, true, false]);
    expect(inbox.dropped).toBe(1);
    expect(await inbox.take(10, timeout)).toBe(1);
    inbox.end();
    await expect(inbox.take(10, timeout)).rejects.toThrow(TransportClosedError);
    expect(inbox.push(4)).toBe(false);
  });
});
