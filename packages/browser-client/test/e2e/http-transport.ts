/**
 * TEST-ONLY signalling for the e2e page: a `SignalTransport` over plain HTTP long-polling to the
 * device script that served the page (same origin, so it works on an insecure `http://` page).
 * It stands in for the relay client, which is written elsewhere; the agent does not care which
 * transport carries its sealed envelopes. One frame per poll response; `x-from` is only a hint.
 */
import { type SignalTransport, TransportClosedError, type TransportFrame } from '@lanrtc/signal-core';
import { AsyncQueue } from '@lanrtc/signal-core/testing';

/** A transport whose endpoint is `/signal/<localId>/…` on the page's origin. */
export function httpPollTransport(localId: string): SignalTransport {
  const queue = new AsyncQueue<TransportFrame>();
  const abort = new AbortController();
  const base = `/signal/${encodeURIComponent(localId)}`;
  let closed = false;

  const poll = async () => {
    while (!closed) {
      try {
        const r = await fetch(`${base}/poll`, { signal: abort.signal, cache: 'no-store' });
        if (r.status === 200) {
          queue.push({ from: r.headers.get('x-from') ?? '', bytes: new Uint8Array(await r.arrayBuffer()) });
        }
      } catch {
        if (!closed) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    queue.end();
  };
  void poll();

  return {
    localId,
    messages: queue,
    async send(to, bytes) {
      if (closed) throw new TransportClosedError('transport is closed');
      const r = await fetch(`${base}/send?to=${encodeURIComponent(to)}`, {
        method: 'POST',
        body: bytes.slice().buffer,
        signal: abort.signal,
      });
      if (!r.ok) throw new TransportClosedError(`signalling server answered ${r.status}`);
    },
    close() {
      closed = true;
      abort.abort();
    },
  };
}
