/**
 * File-backed `TrustStore` (signal-core trust/store.ts) for Node: one JSON document, 0600, replaced
 * atomically on every change (private-file.ts) so a crash never corrupts it.
 *
 * Concurrency: within a process, changes run one at a time on a promise chain; across processes
 * (an agent and the `lanrtc` CLI on one store), each change takes `<file>.lock` (lock.ts) and
 * re-reads the file under it, so a change made by another process is never overwritten. Reads take
 * no lock: the file is only ever replaced whole, so a read sees one complete version. Reads go to
 * the file each time (a few kilobytes) rather than to a cache another process could make stale.
 */
import { dirname, join } from 'node:path';
import type { KnownPeer, TrustStore } from '@lanrtc/signal-core';
import { assertKnownPeer, cloneKnownPeer } from '@lanrtc/signal-core/trust';
import { defaultConfigDir } from './config-dir.js';
import { withFileLock } from './lock.js';
import {
  ensurePrivateDir,
  readPrivateFile,
  removeStaleTemps,
  writePrivateFileAtomic,
} from './private-file.js';
import { parseTrustDocument, serializeTrustDocument } from './trust-document.js';

/** Options of `createFileTrustStore`; give `file`, or `dir` (default `defaultConfigDir()`) for `<dir>/trust.json`. */
export interface FileTrustStoreInit {
  readonly dir?: string;
  /** Path of the store file; overrides `dir`. Its directory is created 0700 if missing. */
  readonly file?: string;
  /** Accept a store file that group/others can access (default false: `InsecureFileModeError`). */
  readonly allowInsecureMode?: boolean;
  /** How long a change waits for another process's lock before `StoreLockedError` (default 10 s). */
  readonly lockTimeoutMs?: number;
}

/** A `TrustStore` backed by one file; `file` is its path. */
export interface FileTrustStore extends TrustStore {
  readonly file: string;
}

/** Default store file name inside the config directory. */
export const TRUST_FILE_NAME = 'trust.json';
/** Largest store file read (about 10 000 peers with every field filled). */
const MAX_TRUST_FILE_BYTES = 32 * 1024 * 1024;

/**
 * Open (creating the directory if needed) the file trust store; validates an existing file now, so
 * a corrupt, foreign-version or world-readable store fails here rather than on first use.
 */
export async function createFileTrustStore(init: FileTrustStoreInit = {}): Promise<FileTrustStore> {
  const file = init.file ?? join(init.dir ?? defaultConfigDir(), TRUST_FILE_NAME);
  const lockFile = `${file}.lock`;
  const lockTimeoutMs = init.lockTimeoutMs ?? 10_000;
  const readOptions = { allowInsecureMode: init.allowInsecureMode ?? false, maxBytes: MAX_TRUST_FILE_BYTES };
  await ensurePrivateDir(dirname(file));
  await removeStaleTemps(file);
  await removeStaleTemps(lockFile);
  await removeStaleTemps(`${lockFile}.break`);

  const load = async (): Promise<Map<string, KnownPeer>> => {
    const text = await readPrivateFile(file, readOptions);
    return text === undefined ? new Map() : parseTrustDocument(text, file);
  };
  await load();

  // Changes in this process, one after another; a failed change does not stop the ones queued after it.
  let tail: Promise<unknown> = Promise.resolve();
  const change = <T>(apply: (peers: Map<string, KnownPeer>) => { result: T; write: boolean }): Promise<T> => {
    const run = tail.then(() =>
      withFileLock(lockFile, lockTimeoutMs, async () => {
        const peers = await load();
        const { result, write } = apply(peers);
        if (write) await writePrivateFileAtomic(file, serializeTrustDocument(peers.values()), true);
        return result;
      }),
    );
    tail = run.catch(() => undefined);
    return run;
  };

  return {
    file,
    async get(id) {
      return (await load()).get(id);
    },
    async list() {
      return [...(await load()).values()];
    },
    update(id, fn) {
      return change((peers) => {
        const current = peers.get(id);
        // `fn` gets a copy: it may not mutate what is about to be written back for other records.
        const next = fn(current && cloneKnownPeer(current));
        if (next === undefined) return { result: current, write: false };
        assertKnownPeer(id, next);
        const stored = cloneKnownPeer(next);
        peers.set(id, stored);
        return { result: cloneKnownPeer(stored), write: true };
      });
    },
    delete(id) {
      return change((peers) => {
        const existed = peers.delete(id);
        return { result: existed, write: existed };
      });
    },
  };
}
