/**
 * Early DataChannel messages with real werift peers: the accepting side sends the instant its
 * channel opens — before the connecting side has even been handed the connection — and the
 * connecting application subscribes only later. Without the adapter's early-message buffer these
 * messages are lost (werift's `onMessage` drops what arrives with no subscriber).
 */
import type { Connection } from '@lanrtc/signal-core';
import { createMemoryNetwork, type MemoryNetwork } from '@lanrtc/signal-core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestNode } from '../../../../test/kit/agents.js';
import type { WeriftSessionPeer } from '../../src/index.js';
import { IN_NETNS } from '../peer/pair.js';

/** A werift agent over `net`; with `greet`, the answerer sends three messages the moment its channel opens. */
const makeNode = (net: MemoryNetwork, greet: boolean) =>
  createTestNode({
    transport: (identity) => net.connect(identity.id),
    setup: (peer, context) => {
      if (context.role === 'offerer') peer.createDataChannel('lanrtc');
      // Greets from the moment the channel opens, long before anyone on the other side listens.
      else if (greet)
        void peer.channel('lanrtc').then((ch) => {
          for (const text of ['one', 'two', 'three']) ch.send(text);
        });
    },
  });

describe.skipIf(!IN_NETNS)('early DataChannel messages (werift)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('messages sent as the channel opens reach a subscriber that attaches later, in order, once', async () => {
    const net = createMemoryNetwork();
    const [a, b] = [await makeNode(net, false), await makeNode(net, true)];
    cleanup.push(
      () => a.agent.close(),
      () => b.agent.close(),
    );
    const display = b.agent.showPin();
    await a.agent.enterPin(b.identity.id, display.pin());
    await vi.waitFor(async () => expect(await b.trust.get(a.identity.id)).toBeDefined());
    const conn = await a.agent.connect(b.identity.id);
    const channel = await conn.peer.channel('lanrtc');
    await new Promise((r) => setTimeout(r, 300)); // the app is busy: the greetings arrive meanwhile
    const got: string[] = [];
    channel.onMessage.subscribe((m) => got.push(m.toString()));
    await vi.waitFor(() => expect(got).toEqual(['one', 'two', 'three']), { timeout: 2_000 });
    // Live messages after the hand-over of the held ones still arrive (once each).
    const [atB] = b.incoming;
    (await (atB as Connection<WeriftSessionPeer>).peer.channel('lanrtc')).send('four');
    await vi.waitFor(() => expect(got).toEqual(['one', 'two', 'three', 'four']));
  });
});
