/**
 * signal-core's FileSource conformance suite on `createFileSource`. The files are Node's
 * disk-backed blobs (`fs.openAsBlob`), which, like a browser's picked `File`, fail to read once the
 * file on disk changed — so "a changed source is refused" is tested on a real file, not a stand-in.
 */
import { mkdirSync, mkdtempSync, openAsBlob, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { nobleSha256 } from '@lanrtc/signal-core/transfer';
import { runFileSourceConformance } from '../../../signal-core/test/transfer/storage-conformance.js';
import { createFileSource } from '../../src/transfer/file-source.js';

runFileSourceConformance('createFileSource (browser File)', async (files, chunkSize) => {
  const dir = mkdtempSync(join(tmpdir(), 'file-source-'));
  const picked: File[] = [];
  for (const { path, data } of files) {
    const at = join(dir, path);
    mkdirSync(dirname(at), { recursive: true });
    writeFileSync(at, data);
    // A picked file as the page sees it: a disk-backed Blob with a name and a relative path.
    const blob = await openAsBlob(at);
    picked.push(
      Object.assign(blob, { name: path, lastModified: 0, webkitRelativePath: path }) as unknown as File,
    );
  }
  const source = await createFileSource(picked, { sha256: nobleSha256, chunkSize });
  return {
    source,
    async change(fileIndex, data) {
      const at = join(dir, (files[fileIndex] as { path: string }).path);
      writeFileSync(at, data);
      utimesSync(at, new Date(), new Date(Date.now() + 5_000));
    },
    async dispose() {
      await source.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
