/**
 * A lock file that serialises writers of one store across processes on one host. Taken by link(2)
 * of a fully written temporary file onto `<store>.lock` — atomic, fails with EEXIST when held, and a
 * lock file never exists half-written. The holder's pid, host and boot time are inside, so a lock
 * left by a crashed process is broken by the next writer: same host and (its pid no longer runs, or
 * the host rebooted since, which also covers pid reuse after a reboot). A lock of another host (a
 * network filesystem) is never broken; waiting for it ends in `StoreLockedError` after the timeout.
 *
 * Breaking a stale lock takes a second lock, `<store>.lock.break`, so two writers that find the same
 * stale lock never both remove it (the second would remove the first's fresh lock, and both would
 * write: a lost update — seen when writers start together right after one was killed).
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreLockedError } from '../errors.js';
import { errorCode, processRuns } from './private-file.js';

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** Boot time in seconds since the epoch, rounded (uptime granularity). */
  readonly boot: number;
  readonly token: string;
}

/** Clock drift between two boot-time estimates in one boot stays well below this (seconds). */
const BOOT_SLACK = 10;

const bootTime = (): number => Math.round(Date.now() / 1000 - uptime());

/** Run `fn` while holding `lockFile`; waits up to `timeoutMs` for another holder, then `StoreLockedError`. */
export async function withFileLock<T>(lockFile: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const token = await acquire(lockFile, timeoutMs);
  try {
    return await fn();
  } finally {
    await release(lockFile, token);
  }
}

async function acquire(lockFile: string, timeoutMs: number): Promise<string> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    boot: bootTime(),
    token: randomBytes(12).toString('hex'),
  };
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 25)) {
    if (await tryCreate(lockFile, JSON.stringify(owner))) return owner.token;
    const text = await readLock(lockFile);
    if (text === undefined) continue; // released between our link and our read: try again at once
    const held = parseOwner(text);
    const stale = await isStale(lockFile, held, timeoutMs);
    // Re-read under the breaker lock right before removing, so a lock re-taken meanwhile stays.
    const broken = stale && (await breakStale(lockFile, text));
    if (Date.now() >= deadline) {
      const who = held ? `process ${held.pid} on ${held.host}` : 'an unknown process';
      throw new StoreLockedError(`${lockFile} is held by ${who}; if no lanrtc process runs, remove the file`);
    }
    if (!broken) await sleep(delay * (0.5 + Math.random()));
  }
}

/** Create the lock with its content in one step (temp file + link); false when it is held. */
async function tryCreate(lockFile: string, content: string): Promise<boolean> {
  const temp = `${lockFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
  try {
    await link(temp, lockFile);
    return true;
  } catch (cause) {
    if (errorCode(cause) === 'EEXIST') return false;
    throw cause;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readLock(lockFile: string): Promise<string | undefined> {
  try {
    return await readFile(lockFile, 'utf8');
  } catch (cause) {
    if (errorCode(cause) === 'ENOENT') return undefined;
    throw cause;
  }
}

function parseOwner(text: string): LockOwner | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const ok =
    typeof o.pid === 'number' &&
    Number.isSafeInteger(o.pid) &&
    o.pid > 0 &&
    typeof o.host === 'string' &&
    typeof o.boot === 'number' &&
    typeof o.token === 'string';
  return ok
    ? { pid: o.pid as number, host: o.host as string, boot: o.boot as number, token: o.token as string }
    : undefined;
}

async function isStale(lockFile: string, held: LockOwner | undefined, timeoutMs: number): Promise<boolean> {
  if (held === undefined) {
    // Not written by this code (content is linked in complete) — or emptied by a power loss, since the
    // lock is not fsynced. Treat it as stale only once it is older than the lock timeout.
    const st = await stat(lockFile).catch(() => undefined);
    return st !== undefined && Date.now() - st.mtimeMs > timeoutMs;
  }
  if (held.host !== hostname()) return false;
  if (Math.abs(held.boot - bootTime()) > BOOT_SLACK) return true;
  return !processRuns(held.pid);
}

/** A `.break` lock older than this was left by a breaker that died mid-break (a break takes microseconds). */
const BREAK_STALE_MS = 5_000;

/**
 * Remove the lock if it still holds `staleText`, one breaker at a time; false when another process
 * is breaking it (try the lock again later).
 */
async function breakStale(lockFile: string, staleText: string): Promise<boolean> {
  const breaker = `${lockFile}.break`;
  if (!(await tryCreate(breaker, String(process.pid)))) {
    const st = await stat(breaker).catch(() => undefined);
    if (st !== undefined && Date.now() - st.mtimeMs > BREAK_STALE_MS)
      await unlink(breaker).catch(() => undefined);
    return false;
  }
  try {
    // Under the breaker nobody else removes the lock: if it is still the stale one, it goes.
    if ((await readLock(lockFile)) === staleText) await unlink(lockFile).catch(() => undefined);
    return true;
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

async function release(lockFile: string, token: string): Promise<void> {
  const text = await readLock(lockFile);
  if (text !== undefined && parseOwner(text)?.token === token) await unlink(lockFile);
}
