import { expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { createMemoryTrustStore } from '../../src/trust/memory.js';
import { runTrustStoreConformance, samplePeer } from './conformance.js';

runTrustStoreConformance('memory', () => createMemoryTrustStore());

it('memory store: seeds from valid records and rejects invalid ones', async () => {
  const store = createMemoryTrustStore([samplePeer(1, true)]);
  expect(await store.get(samplePeer(1).id)).toEqual(samplePeer(1, true));
  expect(() => createMemoryTrustStore([{ ...samplePeer(1), id: samplePeer(2).id }])).toThrow(
    InvalidArgumentError,
  );
});
