/**
 * Cleanup of namespaces left by runs that died without tearing down (SIGKILL, OOM, power loss of a
 * container): a namespace is stale when its owner pid is gone, or when that pid now belongs to a
 * process that started after the namespace was created (pid reuse). A live concurrent run's
 * namespaces are never touched.
 */
import { readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ipBatch, listNetns, netnsPids } from './ip.js';
import { parseNetnsName } from './naming.js';

/** One harness namespace found on this machine. */
export interface LanNetnsInfo {
  /** Namespace name (`lrtc-<pid>-<rand>-<role>`). */
  readonly name: string;
  /** Run id shared by the namespaces of one LAN. */
  readonly runId: string;
  /** Pid of the creating process. */
  readonly pid: number;
  /** Whether the creating process is still alive (and is the same process). */
  readonly alive: boolean;
}

// USER_HZ is 100 on every Linux architecture Node supports (/proc/<pid>/stat field 22 is in it).
const USER_HZ = 100;
// Boot time has one-second resolution, so allow that much slack (plus some) when comparing times.
const CLOCK_SLACK_MS = 2_000;

function bootTimeMs(): number | undefined {
  const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
  return m === null ? undefined : Number(m[1]) * 1000;
}

/** Start time of a process in ms since the epoch (from /proc), or undefined if it is gone. */
export function processStartMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22 (starttime), counted from field 3
    const boot = bootTimeMs();
    if (!Number.isFinite(ticks) || boot === undefined) return undefined;
    return boot + (ticks * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive but not ours to signal (the harness runs as root, so this is rare).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the run that created namespace `name` (owner `pid`) is still alive. */
export function ownerAlive(name: string, pid: number): boolean {
  if (pid === process.pid) return true;
  if (!pidAlive(pid)) return false;
  let created: number;
  try {
    // A named namespace is an nsfs bind mount; its inode times are the namespace's creation time.
    created = statSync(`/run/netns/${name}`).mtimeMs;
  } catch {
    return true; // cannot tell: leave it alone
  }
  const started = processStartMs(pid);
  return started === undefined || started <= created + CLOCK_SLACK_MS;
}

/** Every harness namespace on this machine, with its owner's liveness. */
export async function listLanNetns(): Promise<LanNetnsInfo[]> {
  const out: LanNetnsInfo[] = [];
  for (const name of await listNetns()) {
    const p = parseNetnsName(name);
    if (p === undefined) continue;
    out.push({ name, runId: p.runId, pid: p.pid, alive: ownerAlive(name, p.pid) });
  }
  return out;
}

/** Kills every process inside the namespaces, then deletes them; tolerant of ones already gone. */
export async function destroyNetns(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const pids = (await Promise.all(names.map(netnsPids))).flat();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  // SIGKILL is delivered asynchronously: wait (briefly) so that "closed" means "nothing runs any more".
  const deadline = Date.now() + 1_000;
  while (pids.some(running) && Date.now() < deadline) await sleep(10);
  await ipBatch(
    names.map((n) => `netns del ${n}`),
    { force: true },
  );
}

// A zombie has stopped running; it only waits for its parent (or init) to reap it.
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Removes the namespaces of dead runs and returns their names; live runs' namespaces are kept. */
export async function cleanStaleLans(): Promise<string[]> {
  const stale = (await listLanNetns()).filter((i) => !i.alive).map((i) => i.name);
  await destroyNetns(stale);
  return stale;
}
