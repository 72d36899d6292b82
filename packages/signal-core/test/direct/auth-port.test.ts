/** `channelAuthPort`: holding early messages (bounded), text as UTF-8, close bookkeeping, dispose. */
import { describe, expect, it } from 'vitest';
import { AUTH_PORT_MAX_HELD, type AuthChannel, channelAuthPort } from '../../src/direct/auth-port.js';

/** A fake channel: `deliver`/`close` play the platform's events; `sent` logs sends. */
function fakeChannel(closed = false) {
  const messages = new Set<(data: Uint8Array | string) => void>();
  const closes = new Set<() => void>();
  const sent: Uint8Array[] = [];
  const channel: AuthChannel = {
    closed,
    send: (bytes) => sent.push(bytes),
    onMessage(listener) {
      messages.add(listener);
      return () => messages.delete(listener);
    },
    onClose(listener) {
      closes.add(listener);
      return () => closes.delete(listener);
    },
  };
  return {
    channel,
    sent,
    deliver: (data: Uint8Array | string) => {
      for (const l of [...messages]) l(data);
    },
    close: () => {
      for (const l of [...closes]) l();
    },
    subscriptions: () => messages.size + closes.size,
  };
}

describe('channelAuthPort', () => {
  it('holds messages until the first listener, then delivers in order; text becomes UTF-8', () => {
    const fake = fakeChannel();
    const port = channelAuthPort(fake.channel);
    fake.deliver(new Uint8Array([1]));
    fake.deliver('hi');
    const got: number[][] = [];
    port.onMessage((bytes) => got.push([...bytes]));
    fake.deliver(new Uint8Array([2]));
    expect(got).toEqual([[1], [0x68, 0x69], [2]]);
  });

  it('holds at most maxHeld messages and drops the rest', () => {
    const fake = fakeChannel();
    const port = channelAuthPort(fake.channel);
    for (let i = 0; i < AUTH_PORT_MAX_HELD + 5; i++) fake.deliver(new Uint8Array([i]));
    const got: number[] = [];
    port.onMessage((bytes) => got.push(bytes[0] as number));
    expect(got).toHaveLength(AUTH_PORT_MAX_HELD);
    expect(got[0]).toBe(0);
    expect(port.dropped).toBe(5);
    const small = fakeChannel();
    const two = channelAuthPort(small.channel, 2);
    for (let i = 0; i < 4; i++) small.deliver(new Uint8Array([i]));
    const few: number[] = [];
    two.onMessage((bytes) => few.push(bytes[0] as number));
    expect(few).toEqual([0, 1]);
  });

  it('stops delivering to an unsubscribed listener, and holds what comes meanwhile for the next one', () => {
    const fake = fakeChannel();
    const port = channelAuthPort(fake.channel);
    const got: number[] = [];
    const off = port.onMessage((bytes) => got.push(bytes[0] as number));
    fake.deliver(new Uint8Array([1]));
    off();
    fake.deliver(new Uint8Array([2]));
    expect(got).toEqual([1]);
    const next: number[] = [];
    port.onMessage((bytes) => next.push(bytes[0] as number));
    fake.deliver(new Uint8Array([3]));
    expect(next).toEqual([2, 3]);
  });

  it('unread: messages given back go to the next listener first, ahead of those held since', () => {
    const fake = fakeChannel();
    const port = channelAuthPort(fake.channel);
    const off = port.onMessage(() => {});
    fake.deliver(new Uint8Array([1]));
    off();
    fake.deliver(new Uint8Array([3]));
    port.unread?.([new Uint8Array([1]), new Uint8Array([2])]);
    const got: number[] = [];
    port.onMessage((bytes) => got.push(bytes[0] as number));
    expect(got).toEqual([1, 2, 3]);
  });

  it('sends until the channel closes, fires close listeners once, and late ones asynchronously', async () => {
    const fake = fakeChannel();
    const port = channelAuthPort(fake.channel);
    let closes = 0;
    port.onClose(() => closes++);
    port.send(new Uint8Array([1]));
    fake.close();
    fake.close();
    port.send(new Uint8Array([2]));
    expect(fake.sent).toEqual([new Uint8Array([1])]);
    expect(port.closed).toBe(true);
    expect(closes).toBe(1);
    let late = 0;
    port.onClose(() => late++);
    const off = port.onClose(() => late++);
    off();
    expect(late).toBe(0);
    await Promise.resolve();
    expect(late).toBe(1);
  });

  it('treats a channel closed at wrapping time as closed', async () => {
    const fake = fakeChannel(true);
    const port = channelAuthPort(fake.channel);
    port.send(new Uint8Array([1]));
    expect(fake.sent).toEqual([]);
    const fired = await new Promise<boolean>((resolve) => port.onClose(() => resolve(true)));
    expect(fired).toBe(true);
  });

  it('dispose unsubscribes from the channel and drops listeners and held messages', () => {
    const fake = fakeChannel();
    const port = channelAuthPort(fake.channel);
    fake.deliver(new Uint8Array([1]));
    expect(fake.subscriptions()).toBe(2);
    port.dispose();
    expect(fake.subscriptions()).toBe(0);
    const got: Uint8Array[] = [];
    port.onMessage((bytes) => got.push(bytes));
    expect(got).toEqual([]);
  });
});
