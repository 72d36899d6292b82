/**
 * A page's `FileSink`: verified chunks are kept as `Blob`s (the browser's blob store holds them, and
 * Chromium moves large ones to disk, not the JS heap), and each finished file — every chunk there
 * (each checked against its SHA-256 by the engine before it was written), its size right and its
 * chunk list matching the file hash — is handed to the user as a download. A page cannot write a partial file anywhere
 * it could find again, so a page holds nothing to resume from: an interrupted transfer starts its
 * unfinished files over (files already delivered were saved by the browser, outside the page's reach).
 */
import { FileVerificationError, InsufficientSpaceError } from '@lanrtc/signal-core';
import { equalBytes } from '@lanrtc/signal-core/codec';
import {
  checkPathSet,
  checkTransferPath,
  type FileHolding,
  type FileSink,
  fileHashOf,
  type Sha256Factory,
  type TransferManifest,
} from '@lanrtc/signal-core/transfer';
import { downloadName } from './transfer-paths.js';

/** Default limit of one transfer into a page: 2 GiB (what it keeps in the blob store until saved). */
export const DOWNLOAD_SINK_MAX_BYTES = 2 * 1024 * 1024 * 1024;

/** A received, verified file. */
export interface ReceivedFile {
  /** The path the sender offered (relative, `/`-separated). */
  readonly path: string;
  /** The name it is saved under (the path's last segment). */
  readonly name: string;
  readonly blob: Blob;
  readonly mtimeMs: number;
}

/** Options of `createDownloadSink`. */
export interface DownloadSinkInit {
  /** SHA-256 to check each file's chunk list against its file hash (signal-core's `nobleSha256` in a page). */
  readonly sha256: Sha256Factory;
  /** What to do with each finished file (default `saveDownload`: the browser's download). */
  readonly deliver?: (file: ReceivedFile) => void;
  /** Largest transfer accepted, in bytes (default 2 GiB): `InsufficientSpaceError` above. */
  readonly maxBytes?: number;
}

interface Receiving {
  readonly parts: (Blob | undefined)[];
}

/** A sink that delivers every finished file as a download. */
export function createDownloadSink(init: DownloadSinkInit): FileSink {
  const maxBytes = init.maxBytes ?? DOWNLOAD_SINK_MAX_BYTES;
  const deliver = init.deliver ?? saveDownload;
  let manifest: TransferManifest | undefined;
  const receiving = new Map<number, Receiving>();
  const entry = (fileIndex: number) => {
    const file = manifest?.files[fileIndex];
    if (!manifest || !file) throw new RangeError(`no file ${fileIndex} in the prepared manifest`);
    return file;
  };
  return {
    async prepare(offered) {
      // The decoder checked these already; a sink handed a manifest by other code checks again.
      for (const f of offered.files) checkTransferPath(f.path);
      checkPathSet(offered.files.map((f) => f.path));
      const total = offered.files.reduce((sum, f) => sum + f.size, 0);
      if (total > maxBytes)
        throw new InsufficientSpaceError(
          `${total} bytes offered, a page takes at most ${maxBytes} bytes in one transfer`,
        );
      manifest = offered;
      receiving.clear();
      return offered.files.map((): FileHolding => ({ state: 'none', verifiedChunks: new Set() }));
    },
    async writeChunk(fileIndex, chunkIndex, data) {
      const file = entry(fileIndex);
      if (chunkIndex < 0 || chunkIndex >= file.chunkHashes.length)
        throw new RangeError(`no chunk ${chunkIndex} in file ${fileIndex}`);
      let r = receiving.get(fileIndex);
      if (!r) {
        r = { parts: [] };
        receiving.set(fileIndex, r);
      }
      // The Blob copies the bytes: the caller may reuse its buffer.
      r.parts[chunkIndex] = new Blob([data as Uint8Array<ArrayBuffer>]);
    },
    async finishFile(fileIndex) {
      const file = entry(fileIndex);
      const r = receiving.get(fileIndex) ?? { parts: [] };
      for (let i = 0; i < file.chunkHashes.length; i++)
        if (!r.parts[i]) throw new FileVerificationError(`${file.path}: chunk ${i} never arrived`);
      const blob = new Blob(r.parts as Blob[]);
      // The chunks were checked one by one as they came; the file hash covers the size and the list.
      const digest = fileHashOf(init.sha256, file.size, file.chunkHashes);
      if (blob.size !== file.size || !equalBytes(digest, file.fileHash))
        throw new FileVerificationError(`${file.path} does not match its file hash`);
      receiving.delete(fileIndex);
      const name = downloadName(file.path);
      deliver({ path: file.path, name, blob, mtimeMs: file.mtimeMs });
      return { finalPath: name };
    },
    async close() {
      receiving.clear();
    },
  };
}

/** Hand `file` to the browser as a download (an object URL on a clicked `<a download>`). */
export function saveDownload(file: ReceivedFile): void {
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has taken its reference by the time this runs; a minute is generous.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
