import { createMemoryLanePair } from '@lanrtc/signal-core/transfer';
import { runTransferLaneConformance } from './lane-conformance.js';

for (const [kind, maxFrameBytes] of [
  ['datachannel', 64 * 1024],
  ['tls', 4 * 1024 * 1024],
] as const)
  runTransferLaneConformance(`memory (${kind})`, async () => {
    const [a, b] = createMemoryLanePair({ kind, maxFrameBytes });
    return {
      a,
      b,
      dispose: async () => {
        a.close();
        b.close();
      },
    };
  });
