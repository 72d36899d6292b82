import { createMemorySink, createMemorySource } from '@lanrtc/signal-core/transfer';
import { runFileSinkConformance, runFileSourceConformance } from './storage-conformance.js';

runFileSourceConformance('memory', async (files, chunkSize) => {
  const source = createMemorySource(files, { chunkSize });
  return { source, change: async (i, data) => source.change(i, data), dispose: () => source.close() };
});

runFileSinkConformance('memory', async (state) => {
  const sink = createMemorySink(state);
  return { sink, readFinal: async (path) => sink.final.get(path), dispose: () => sink.close() };
});
