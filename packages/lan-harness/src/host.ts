/**
 * One host of a namespace LAN: its addresses and the ways to run something inside it. Every process
 * started here is owned by the LAN (own process group, killed at close), so a test cannot leak one.
 */
import { type ChildProcess, type StdioOptions, spawn as spawnChild } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { LanSetupError } from './errors.js';
import { ip, ipBin } from './ip.js';

/** Options for a command run inside a host. */
export interface LanExecOptions {
  /** Extra environment variables, merged over this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory (default: this process's). */
  readonly cwd?: string;
  /** Text written to the command's stdin (stdin is closed after it). */
  readonly input?: string;
  /** Kill the command (its whole process group) after this many ms; default 30 000. */
  readonly timeoutMs?: number;
}

/** Options for a long-running process inside a host. */
export interface LanSpawnOptions {
  /** Extra environment variables, merged over this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory (default: this process's). */
  readonly cwd?: string;
  /** Node's stdio option; default all pipes. */
  readonly stdio?: StdioOptions;
}

/** Outcome of `exec`: output and exit status (a non-zero code does not reject). */
export interface LanExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code, or null when the command died of a signal. */
  readonly code: number | null;
  /** The signal that ended the command, if any (e.g. SIGKILL after `timeoutMs`). */
  readonly signal: NodeJS.Signals | null;
}

/** A host of the virtual LAN: a network namespace with `lo` and an `eth0` on the LAN bridge. */
export interface LanHost {
  /** The network namespace's name (use with `ip netns exec <name> …`). */
  readonly name: string;
  /** Short label (`h1`, `h2`, … or the one given in the options). */
  readonly label: string;
  /** Primary IPv4 address of `eth0`. */
  readonly ip: string;
  /** Primary ULA IPv6 address of `eth0` when the LAN was created with `ipv6: true`. */
  readonly ip6?: string;
  /** Every IPv4 address of `eth0`, primary first (grows with `addAddress`). */
  readonly addresses: readonly string[];
  /** Runs a command inside the host and collects its output. */
  exec(cmd: string, args?: readonly string[], opts?: LanExecOptions): Promise<LanExecResult>;
  /** Starts a process inside the host; it is killed (with its process group) when the LAN closes. */
  spawn(cmd: string, args?: readonly string[], opts?: LanSpawnOptions): ChildProcess;
  /** Starts a Node script (.js/.mjs, or .ts via tsx with the `source` condition) inside the host. */
  node(script: string, args?: readonly string[], opts?: LanSpawnOptions): ChildProcess;
  /** Runs a Node script inside the host to completion and collects its output. */
  execNode(script: string, args?: readonly string[], opts?: LanExecOptions): Promise<LanExecResult>;
  /** Adds one more IPv4 address of the LAN's /24 to `eth0` (and a ULA one with IPv6) and returns it. */
  addAddress(): Promise<string>;
}

/** What a host needs from the LAN that owns it. */
export interface HostOwner {
  /** Throws LanClosedError once the LAN is closing. */
  assertOpen(): void;
  /** Takes ownership of a child (it is killed at close). */
  adopt(child: ChildProcess): void;
  /** Next free IPv4 (and IPv6) address of the LAN. */
  allocate(): { ip: string; ip6?: string };
}

let tsxLoader: string | undefined;
function nodeFlags(script: string): string[] {
  if (!/\.(c|m)?ts$/.test(script)) return [];
  // The repo root has tsx as a dev dependency; resolve it from here so any cwd works.
  tsxLoader ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--conditions=source', '--import', tsxLoader];
}

/** Builds the host object for namespace `name`. */
export function createHost(
  owner: HostOwner,
  init: { name: string; label: string; ip: string; ip6?: string },
): LanHost {
  const addresses = [init.ip];

  const spawnIn = (
    cmd: string,
    args: readonly string[],
    opts: LanSpawnOptions & { stdio?: StdioOptions },
  ) => {
    owner.assertOpen();
    // `ip netns exec` enters the namespace and execs the command, so the child's pid is the command's;
    // `detached` puts it in its own process group so close() can kill it and everything it forks.
    const child = spawnChild(ipBin(), ['netns', 'exec', init.name, cmd, ...args], {
      detached: true,
      stdio: opts.stdio ?? 'pipe',
      env: { ...process.env, ...opts.env },
      ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    });
    owner.adopt(child);
    return child;
  };

  const exec = (
    cmd: string,
    args: readonly string[] = [],
    opts: LanExecOptions = {},
  ): Promise<LanExecResult> => {
    let child: ChildProcess;
    try {
      child = spawnIn(cmd, args, { ...opts, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      return Promise.reject(err); // a promise-returning API reports a closed LAN as a rejection
    }
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), opts.timeoutMs ?? 30_000);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(new LanSetupError(`cannot run ${cmd} in ${init.name}`, { cause: err }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code, signal });
      });
      child.stdin?.on('error', () => {
        // The command may exit without reading its stdin (EPIPE); its exit status tells the story.
      });
      child.stdin?.end(opts.input ?? '');
    });
  };

  return {
    name: init.name,
    label: init.label,
    ip: init.ip,
    ...(init.ip6 === undefined ? {} : { ip6: init.ip6 }),
    addresses,
    exec,
    spawn: (cmd, args = [], opts = {}) => spawnIn(cmd, args, opts),
    node: (script, args = [], opts = {}) =>
      spawnIn(process.execPath, [...nodeFlags(script), script, ...args], opts),
    execNode: (script, args = [], opts = {}) =>
      exec(process.execPath, [...nodeFlags(script), script, ...args], opts),
    async addAddress() {
      owner.assertOpen();
      const a = owner.allocate();
      await ip(['-n', init.name, 'addr', 'add', `${a.ip}/24`, 'dev', 'eth0']);
      if (a.ip6 !== undefined) {
        await ip(['-n', init.name, 'addr', 'add', `${a.ip6}/64`, 'dev', 'eth0', 'nodad']);
      }
      addresses.push(a.ip);
      return a.ip;
    },
  };
}

/** Signals a child's whole process group (it was spawned detached); ignores groups already gone. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Whether a child has exited. */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}
