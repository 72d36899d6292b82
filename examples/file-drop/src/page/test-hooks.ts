/**
 * What the e2e tests read from the page (`globalThis.fileDrop.state()`): the screen, who is here,
 * and every transfer's state and figures. Plain data, nothing that can steer the page.
 */
import type { RoomMember } from '@lanrtc/browser-client';
import type { TransferEntry } from './transfer-list.js';

/** The page as a test sees it. */
export interface FileDropState {
  readonly screen: string;
  readonly status: string;
  readonly self: string | undefined;
  /** Where SHA-256 runs: the page's worker, or its own thread (no worker); `undefined` until known. */
  readonly hashing: 'worker' | 'page' | undefined;
  readonly receivers: readonly { id: string; name: string; role: string }[];
  readonly transfers: readonly {
    id: number;
    direction: 'in' | 'out';
    peer: string;
    state: string;
    doneBytes: number;
    totalBytes: number;
    /** The sender's hashing pass, in ms (the bench reports it). */
    hashMs: number | undefined;
    error: string | undefined;
    files: readonly { path: string; size: number }[];
  }[];
}

/** Put the state reader on `globalThis.fileDrop`. */
export function installTestHooks(read: {
  screen(): string;
  status(): string;
  self(): RoomMember | undefined;
  receivers(): readonly RoomMember[];
  transfers(): readonly TransferEntry[];
  hashing(): 'worker' | 'page' | undefined;
}): void {
  const state = (): FileDropState => ({
    screen: read.screen(),
    status: read.status(),
    self: read.self()?.name,
    hashing: read.hashing(),
    receivers: read.receivers().map((m) => ({ id: m.id, name: m.name, role: m.role })),
    transfers: read.transfers().map((t) => ({
      id: t.id,
      direction: t.direction,
      peer: t.peer,
      state: t.state,
      doneBytes: t.state === 'done' ? t.totalBytes : (t.progress?.doneBytes ?? 0),
      totalBytes: t.totalBytes,
      hashMs: t.hashMs,
      error: t.error,
      files: (t.progress?.files ?? t.result?.files ?? []).map((f) => ({ path: f.path, size: f.size })),
    })),
  });
  (globalThis as unknown as { fileDrop: { state(): FileDropState } }).fileDrop = { state };
}
