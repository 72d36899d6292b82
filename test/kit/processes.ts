/** Process checks for tests that prove nothing is left running. */
import { readFileSync } from 'node:fs';

/** Whether a pid is gone (a zombie waiting for its reaper counts as gone: it no longer runs). */
export function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
