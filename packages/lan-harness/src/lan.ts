/**
 * createLan: N hosts, each a network namespace with `lo` up and a veth `eth0` whose peer sits on a
 * bridge in one more namespace (docs/PLATFORM.md "A virtual LAN for tests"). The bridge namespace has no other
 * link and no address, so the LAN is closed: the hosts' default route (which browsers need before
 * they gather host candidates) leads onto the bridge and nowhere else, and multicast stays on it.
 * One file because setup, close() and the exit-path closeSync() share the LAN's state.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { lanAvailability } from './availability.js';
import { InvalidLanOptionsError, LanClosedError, LanUnavailableError } from './errors.js';
import { createHost, hasExited, killGroup, type LanHost } from './host.js';
import { findTool, ip, ipBatch, ipBatchSync, netnsPidsSync } from './ip.js';
import { checkLabel, ipv4, ipv6, netnsName, newRunId, parseSubnet, pickSubnet } from './naming.js';
import { cleanStaleLans, destroyNetns } from './stale.js';
import { registerOpen, unregisterOpen } from './teardown.js';

/** One host's options. */
export interface LanHostInit {
  /** Label used in the namespace name (lower-case letters/digits, ≤ 12); default `h<i>`. */
  readonly label?: string;
  /** Extra IPv4 addresses on `eth0` besides the primary one (some tests need two per host). */
  readonly extraAddresses?: number;
}

/** Options of createLan. */
export interface LanOptions {
  /** Number of hosts, or one init object per host. */
  readonly hosts: number | readonly LanHostInit[];
  /** The LAN's `10.x.y.0/24`; default: one picked per run in 10.100.0.0–10.199.255.0. */
  readonly subnet?: string;
  /** Tag put into every namespace name (`lrtc-<pid>-<rand>-<name>-<label>`), to spot a test's LAN. */
  readonly name?: string;
  /** Also give every host a ULA address (fd00:0:x:y::n/64) and an IPv6 default route; DAD is off. */
  readonly ipv6?: boolean;
  /** Remove stale namespaces of dead runs first (default true). */
  readonly cleanStale?: boolean;
  /** How long close() lets owned processes handle SIGTERM before SIGKILL (default 1000 ms). */
  readonly killGraceMs?: number;
}

/** A running virtual LAN. */
export interface Lan {
  /** `<pid>-<rand>`: part of every namespace name of this LAN. */
  readonly runId: string;
  /** The LAN's IPv4 subnet, `10.x.y.0/24`. */
  readonly subnet: string;
  /** The LAN's IPv6 subnet when created with `ipv6: true`. */
  readonly subnet6?: string;
  /** The hosts, in the order given. */
  readonly hosts: readonly LanHost[];
  /** Name of the namespace holding the bridge `br0`. */
  readonly bridgeNs: string;
  /** Every namespace of this LAN (hosts, then the bridge). */
  readonly namespaces: readonly string[];
  /** Stale namespaces of dead runs that were removed before this LAN was built. */
  readonly staleRemoved: readonly string[];
  /** The host with this label; throws InvalidLanOptionsError if there is none. */
  host(label: string): LanHost;
  /** Kills every owned process and deletes every namespace; idempotent. */
  close(): Promise<void>;
}

function hostInits(hosts: LanOptions['hosts']): LanHostInit[] {
  const list = typeof hosts === 'number' ? Array.from({ length: hosts }, () => ({})) : [...hosts];
  if (list.length < 1 || list.length > 100) throw new InvalidLanOptionsError('hosts must be 1..100');
  return list;
}

/** Builds a LAN; it is torn down by close(), and by exit/signal/crash handlers if close() is never reached. */
export async function createLan(opts: LanOptions): Promise<Lan> {
  const avail = lanAvailability();
  if (!avail.ok) throw new LanUnavailableError(avail.reason);
  const inits = hostInits(opts.hosts);
  const tag = opts.name === undefined ? '' : `${checkLabel('name', opts.name)}-`;
  const labels = inits.map((h, i) => checkLabel('host label', h.label ?? `h${i + 1}`));
  if (new Set(labels).size !== labels.length) throw new InvalidLanOptionsError('host labels must be unique');
  const subnet = opts.subnet === undefined ? pickSubnet() : parseSubnet(opts.subnet);
  const v6 = opts.ipv6 === true;

  const staleRemoved = opts.cleanStale === false ? [] : await cleanStaleLans();

  const runId = newRunId();
  const bridgeNs = netnsName(runId, `${tag}br`);
  const hostNs = labels.map((l) => netnsName(runId, `${tag}${l}`));
  const namespaces = [...hostNs, bridgeNs];

  let nextAddr = 1;
  const allocate = () => {
    if (nextAddr > 254) throw new InvalidLanOptionsError('the /24 has no free address left');
    const n = nextAddr++;
    return v6 ? { ip: ipv4(subnet, n), ip6: ipv6(subnet, n) } : { ip: ipv4(subnet, n) };
  };

  const children = new Set<ChildProcess>();
  let closing: Promise<void> | undefined;
  let closed = false;

  const killOwnedSync = () => {
    for (const c of children) killGroup(c, 'SIGKILL');
    for (const ns of namespaces) for (const pid of netnsPidsSync(ns)) tryKill(pid);
  };

  const self = {
    closeSync() {
      // Exit/signal path: nothing async can run, so SIGKILL at once and delete synchronously.
      closed = true;
      killOwnedSync();
      ipBatchSync(namespaces.map((n) => `netns del ${n}`));
      unregisterOpen(self);
    },
  };
  // Registered before the first namespace exists, so a crash half-way through setup is covered too.
  registerOpen(self);

  const owner = {
    assertOpen() {
      if (closed) throw new LanClosedError(`LAN ${runId} is closed`);
    },
    adopt(child: ChildProcess) {
      children.add(child);
      child.once('exit', () => children.delete(child));
    },
    allocate,
  };

  const hosts = hostNs.map((name, i) => {
    const a = allocate();
    return createHost(owner, { name, label: labels[i] as string, ...a });
  });

  const close = (): Promise<void> => {
    closing ??= (async () => {
      closed = true;
      const owned = [...children];
      for (const c of owned) killGroup(c, 'SIGTERM');
      await waitExit(owned, opts.killGraceMs ?? 1_000);
      for (const c of owned) if (!hasExited(c)) killGroup(c, 'SIGKILL');
      await waitExit(owned, 2_000);
      await destroyNetns(namespaces);
      unregisterOpen(self);
    })();
    return closing;
  };

  try {
    await ipBatch(namespaces.map((n) => `netns add ${n}`));
    // The bridge side: br0 plus one veth per host whose other end is created directly inside the host
    // namespace as `eth0`. Multicast snooping off: with no querier on the LAN, IGMP snooping could
    // start dropping group traffic that tests (mDNS, RFC 6762) rely on.
    const bridge = ['link add br0 type bridge mcast_snooping 0 stp_state 0', 'link set br0 up'];
    hostNs.forEach((ns, i) => {
      bridge.push(`link add v${i + 1} type veth peer name eth0 netns ${ns}`);
      bridge.push(`link set v${i + 1} master br0`, `link set v${i + 1} up`);
    });
    await ipBatch(bridge, { ns: bridgeNs });
    await Promise.all(
      hosts.map(async (h, i) => {
        if (v6) await disableDad(h.name);
        const lines = ['link set lo up', `addr add ${h.ip}/24 dev eth0`];
        if (h.ip6 !== undefined) lines.push(`addr add ${h.ip6}/64 dev eth0 nodad`);
        lines.push('link set eth0 up', 'route add default dev eth0');
        if (v6) lines.push('route add ::/0 dev eth0');
        await ipBatch(lines, { ns: h.name });
        for (let k = 0; k < (inits[i]?.extraAddresses ?? 0); k++) await h.addAddress();
      }),
    );
  } catch (err) {
    await close();
    throw err;
  }

  return {
    runId,
    subnet: `${ipv4(subnet, 0)}/24`,
    ...(v6 ? { subnet6: `${ipv6(subnet, 0).replace(/::0$/, '::')}/64` } : {}),
    hosts,
    bridgeNs,
    namespaces,
    staleRemoved,
    host(label: string) {
      const h = hosts.find((x) => x.label === label);
      if (h === undefined) throw new InvalidLanOptionsError(`no host labelled ${label}`);
      return h;
    },
    close,
  };
}

/** Runs `fn` with a fresh LAN and always closes it, whether `fn` resolves or throws. */
export async function withLan<T>(opts: LanOptions, fn: (lan: Lan) => Promise<T>): Promise<T> {
  const lan = await createLan(opts);
  try {
    return await fn(lan);
  } finally {
    await lan.close();
  }
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

async function waitExit(children: readonly ChildProcess[], ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (children.some((c) => !hasExited(c)) && Date.now() < deadline) await sleep(10);
}

// Duplicate address detection (RFC 4862 §5.4) keeps new IPv6 addresses, link-local ones included,
// "tentative" (unusable) for about a second; on a private bridge there is nothing to detect.
async function disableDad(ns: string): Promise<void> {
  const sysctl = findTool('sysctl');
  if (sysctl === undefined) return;
  const keys = ['all', 'default', 'eth0'].map((d) => `net.ipv6.conf.${d}.accept_dad=0`);
  // Best effort: without it IPv6 still works, one DAD period later.
  await ip(['netns', 'exec', ns, sysctl, '-qw', ...keys]).catch(() => undefined);
}
