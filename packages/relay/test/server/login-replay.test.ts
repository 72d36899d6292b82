/**
 * A captured login answer cannot be replayed: the `auth` frame a real client sent (taken off its
 * socket) is refused on a new connection, while the client is logged in and after it left. Only a
 * fresh challenge per connection makes this hold; a relay with a fixed challenge would log the
 * eavesdropper in as the victim.
 */
import { createIdentity } from '@lanrtc/signal-core';
import { decodeRelayFrame } from '@lanrtc/signal-core/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { connectRelay, createRelay, type ListeningRelay } from '../../src/index.js';
import { IN_NETNS, raw } from '../helpers.js';

describe.skipIf(!IN_NETNS)('relay login replay', () => {
  let relay: ListeningRelay | undefined;
  afterEach(async () => {
    await relay?.close();
    relay = undefined;
  });

  it('a genuine auth frame captured from a real client is refused on a new connection', async () => {
    relay = await createRelay();
    const sent: Uint8Array[] = [];
    // The real client's own socket, recording every frame it writes: what an eavesdropper on the LAN sees.
    class Recording extends WebSocket {
      override send(data: Uint8Array, ...rest: unknown[]): void {
        sent.push(Uint8Array.from(data));
        (super.send as (...a: unknown[]) => void)(data, ...rest);
      }
    }
    const victim = createIdentity();
    const live = await connectRelay({
      url: relay.address.url,
      identity: victim,
      WebSocket: Recording as never,
      heartbeat: false,
    });
    const auth = sent.find((f) => decodeRelayFrame(f).type === 'auth');
    expect(auth).toBeDefined();
    expect(relay.stats.authenticated).toBe(1);

    const replay = async () => {
      const c = await raw((relay as ListeningRelay).address.url);
      await c.next('hello');
      c.send(auth as Uint8Array);
      // The relay's answer: `welcome` would mean the eavesdropper is logged in as the victim.
      const first = await vi.waitFor(() => {
        const f = c.frames[0];
        if (!f) throw new Error('no answer to the replayed auth');
        return f;
      });
      const answer = first.type === 'error' ? first.code : first.type;
      if (answer !== 'auth-failed') {
        c.ws.close();
        return { answer };
      }
      return { answer, closeCode: await c.closed };
    };
    // While the victim is logged in (a replay would replace it) and after it left.
    expect(await replay()).toEqual({ answer: 'auth-failed', closeCode: 1008 });
    expect(live.closeReason).toBeUndefined();
    live.close();
    expect(await replay()).toEqual({ answer: 'auth-failed', closeCode: 1008 });
    expect(relay.stats.errors['auth-failed']).toBe(2);
    expect(relay.stats.errors.replaced).toBeUndefined();
  });
});
