/**
 * CPU time of every process in given network namespaces, by namespace and kind (Chromium's browser,
 * renderer, GPU and utility/network processes, Node), from `/proc/<pid>/stat` (utime + stime of all
 * of a process's threads, proc(5)). Two snapshots give the CPU-seconds a path cost in each process
 * kind; a process that started between them counts from zero, one that ended before the second is
 * lost (take the second before closing pages).
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

/** CPU-seconds keyed `"<netns>/<kind>"`. */
export type CpuSnapshot = Map<string, number>;

const TICKS_PER_SECOND = 100; // USER_HZ on Linux (sysconf(_SC_CLK_TCK))

function kindOf(cmdline: string): string | undefined {
  if (/chromium/.test(cmdline)) {
    const type = /--type=([\w-]+)/.exec(cmdline)?.[1];
    if (!type) return 'chromium-browser';
    if (type === 'utility') return /NetworkService/.test(cmdline) ? 'chromium-network' : 'chromium-utility';
    return `chromium-${type}`;
  }
  if (/(^|\/)node\0/.test(cmdline) || /tsx/.test(cmdline)) return 'node';
  return undefined;
}

/** CPU-seconds so far of every Chromium and Node process in the named namespaces (per pid, then summed by kind). */
export function cpuSnapshot(netnsNames: readonly string[]): Map<number, { key: string; seconds: number }> {
  const inodes = new Map<string, string>();
  for (const name of netnsNames) inodes.set(`net:[${statSync(`/run/netns/${name}`).ino}]`, name);
  const out = new Map<number, { key: string; seconds: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ns = inodes.get(readlinkSync(`/proc/${entry}/ns/net`));
      if (!ns) continue;
      const kind = kindOf(readFileSync(`/proc/${entry}/cmdline`, 'latin1'));
      if (!kind) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // Fields after the `(comm)`: utime is field 14, stime 15 (1-based, proc(5)).
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(rest[11]) + Number(rest[12]);
      out.set(Number(entry), { key: `${ns}/${kind}`, seconds: ticks / TICKS_PER_SECOND });
    } catch {
      // The process ended while it was read.
    }
  }
  return out;
}

/** CPU-seconds spent between two snapshots, summed by `"<netns>/<kind>"`. */
export function cpuSpent(
  before: Map<number, { key: string; seconds: number }>,
  after: Map<number, { key: string; seconds: number }>,
): CpuSnapshot {
  const spent: CpuSnapshot = new Map();
  for (const [pid, { key, seconds }] of after) {
    const d = seconds - (before.get(pid)?.seconds ?? 0);
    if (d > 0) spent.set(key, (spent.get(key) ?? 0) + d);
  }
  return spent;
}
