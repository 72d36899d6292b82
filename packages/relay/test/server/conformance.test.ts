/** The relay client is a SignalTransport: it runs the shared conformance suite against a real relay. */
import { describe } from 'vitest';
import { runTransportConformance } from '../../../signal-core/test/transport/conformance.js';
import { createRelay } from '../../src/index.js';
import { client, IN_NETNS } from '../helpers.js';

describe.skipIf(!IN_NETNS)('relay transport', () => {
  runTransportConformance('relay (ws, 127.0.0.1)', async () => {
    const relay = await createRelay();
    const [a, b, c] = await Promise.all([
      client(relay.address.url),
      client(relay.address.url),
      client(relay.address.url),
    ]);
    return {
      a,
      b,
      c,
      async dispose() {
        for (const t of [a, b, c]) t.close();
        await relay.close();
      },
    };
  });
});
