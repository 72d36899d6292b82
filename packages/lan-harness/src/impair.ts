/**
 * Impairing a host's network: random UDP loss with nftables inside the host's namespace (the kernel
 * here has no `netem`, so `tc … netem loss` is not available). Delay and jitter need an
 * application-level shim; this file does not pretend to add them.
 */
import { InvalidLanOptionsError, LanSetupError } from './errors.js';
import type { LanHost } from './host.js';

/** Options of `dropUdp`. */
export interface UdpLossOptions {
  /** Percentage of UDP datagrams to drop, an integer 1–99. */
  readonly percent: number;
  /** Which datagrams: those the host receives (default), sends, or both. */
  readonly direction?: 'in' | 'out' | 'both';
}

const TABLE = 'lanrtc_impair';

/**
 * Drop `percent` % of the UDP datagrams `host` receives and/or sends, at random, until the returned
 * function removes the rule (or the LAN closes: the table lives in the host's namespace). Needs
 * the `nft` command (Debian `nftables`).
 */
export async function dropUdp(host: LanHost, options: UdpLossOptions): Promise<() => Promise<void>> {
  const { percent, direction = 'in' } = options;
  if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
    throw new InvalidLanOptionsError(`UDP loss must be an integer percentage 1–99, got ${percent}`);
  }
  const hooks = direction === 'both' ? ['input', 'output'] : [direction === 'in' ? 'input' : 'output'];
  // One nft script, applied atomically: a table with one chain per hook, each with a `numgen random`
  // rule (nft(8) "NUMGEN EXPRESSION") that drops the chosen share of UDP.
  const script = [
    `table inet ${TABLE} {`,
    ...hooks.flatMap((hook) => [
      `  chain ${hook} {`,
      `    type filter hook ${hook} priority 0; policy accept;`,
      `    meta l4proto udp numgen random mod 100 < ${percent} counter drop`,
      '  }',
    ]),
    '}',
  ].join('\n');
  const nft = await host.exec('nft', ['-f', '-'], { input: `${script}\n` });
  if (nft.code !== 0) {
    throw new LanSetupError(`nft could not add the UDP loss rule in ${host.name}: ${nft.stderr.trim()}`);
  }
  return async () => {
    await host.exec('nft', ['delete', 'table', 'inet', TABLE]);
  };
}

/** How many UDP datagrams the `dropUdp` rules of `host` dropped so far (0 when none is active). */
export async function droppedUdp(host: LanHost): Promise<number> {
  const listed = await host.exec('nft', ['list', 'table', 'inet', TABLE]);
  if (listed.code !== 0) return 0;
  let total = 0;
  for (const match of listed.stdout.matchAll(/counter packets (\d+)/g)) total += Number(match[1]);
  return total;
}
