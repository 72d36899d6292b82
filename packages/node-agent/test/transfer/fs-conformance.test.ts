/**
 * signal-core's FileSource and FileSink conformance suites, run on the Node disk source and sink
 * (real files in a temp directory), so they keep every promise the engines rely on that the memory
 * ones keep.
 */
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  runFileSinkConformance,
  runFileSourceConformance,
} from '../../../signal-core/test/transfer/storage-conformance.js';
import { createFsSink } from '../../src/transfer/fs-sink.js';
import { createFsSource } from '../../src/transfer/fs-source.js';
import { tempDir } from './fs-support.js';

runFileSourceConformance('createFsSource', async (files, chunkSize) => {
  const dir = tempDir();
  for (const { path, data } of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  const source = await createFsSource(
    files.map((f) => join(dir, f.path)),
    { chunkSize },
  );
  return {
    source,
    async change(fileIndex, data) {
      const path = join(dir, (files[fileIndex] as { path: string }).path);
      writeFileSync(path, data);
      // An editor's save: new bytes and a new mtime.
      utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    },
    dispose: () => source.close(),
  };
});

runFileSinkConformance('createFsSink', async (state) => {
  const dir = tempDir();
  const put = (path: string, data: Uint8Array) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  };
  for (const [path, data] of state.final ?? []) put(join(dir, path), data);
  for (const [path, data] of state.partial ?? []) {
    const at = join(dir, path);
    put(join(dirname(at), `.${at.slice(dirname(at).length + 1)}.lanrtc-part`), data);
  }
  const sink = createFsSink({ dir });
  return {
    sink,
    async readFinal(path) {
      const at = join(dir, path);
      return existsSync(at) ? new Uint8Array(readFileSync(at)) : undefined;
    },
    dispose: () => sink.close(),
  };
});
