/**
 * Thin wrappers around iproute2's `ip`. Whole configuration steps go through `ip -batch -` (one process
 * per namespace instead of one per command), which is what keeps a 3-host LAN well under a second.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LanSetupError } from './errors.js';

// `ip` lives in /usr/sbin on Debian, which a non-login shell's PATH may lack.
const SEARCH = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/** Absolute path of a system tool (searched in PATH, then the sbin directories), or undefined. */
export function findTool(name: string): string | undefined {
  for (const dir of SEARCH) {
    if (dir === '') continue;
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

let ipPath: string | undefined;
/** Path of `ip`; throws LanSetupError when iproute2 is not installed. */
export function ipBin(): string {
  ipPath ??= findTool('ip');
  if (ipPath === undefined) throw new LanSetupError('iproute2 `ip` not found');
  return ipPath;
}

/** Runs `ip [-n ns] -batch -` with the given lines; `force` keeps going past failing lines (teardown). */
export function ipBatch(
  lines: readonly string[],
  opts: { ns?: string; force?: boolean } = {},
): Promise<void> {
  const args = [
    ...(opts.ns === undefined ? [] : ['-n', opts.ns]),
    ...(opts.force ? ['-force'] : []),
    '-batch',
    '-',
  ];
  return new Promise((resolve, reject) => {
    const child = execFile(ipBin(), args, { timeout: 10_000 }, (err, _stdout, stderr) => {
      if (err && !opts.force) {
        reject(
          new LanSetupError(`ip ${args.join(' ')} failed: ${String(stderr).trim() || err.message}`, {
            cause: err,
          }),
        );
      } else resolve();
    });
    child.stdin?.end(`${lines.join('\n')}\n`);
  });
}

/** Runs one `ip` command and returns its stdout; throws LanSetupError on a non-zero exit. */
export function ip(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(ipBin(), args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err)
        reject(
          new LanSetupError(`ip ${args.join(' ')} failed: ${String(stderr).trim() || err.message}`, {
            cause: err,
          }),
        );
      else resolve(String(stdout));
    });
  });
}

/** Synchronous `ip -force -batch -` for exit handlers, where no promise can run; never throws. */
export function ipBatchSync(lines: readonly string[]): void {
  if (lines.length === 0) return;
  try {
    spawnSync(ipBin(), ['-force', '-batch', '-'], {
      input: `${lines.join('\n')}\n`,
      stdio: ['pipe', 'ignore', 'ignore'],
      timeout: 10_000,
    });
  } catch {
    // Best effort: an exit handler must not throw; the next run's stale cleanup catches what is left.
  }
}

/** Synchronous `ip netns pids <ns>` (pids of every process inside a namespace); [] on any failure. */
export function netnsPidsSync(ns: string): number[] {
  try {
    return parsePids(
      execFileSync(ipBin(), ['netns', 'pids', ns], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5_000,
      }),
    );
  } catch {
    return [];
  }
}

/** Async `ip netns pids <ns>`; [] when the namespace is gone. */
export async function netnsPids(ns: string): Promise<number[]> {
  try {
    return parsePids(await ip(['netns', 'pids', ns]));
  } catch {
    return [];
  }
}

function parsePids(out: string): number[] {
  return out
    .split('\n')
    .map((s) => Number.parseInt(s, 10))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Names from `ip netns list` (first word of each line; the rest is an optional "(id: N)"). */
export async function listNetns(): Promise<string[]> {
  const out = await ip(['netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((s) => s !== '');
}
