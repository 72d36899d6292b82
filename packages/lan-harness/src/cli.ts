/**
 * `lan` CLI: build a namespace LAN and hold it until Ctrl-C, list harness namespaces, clean stale ones.
 *
 *   pnpm lan up --hosts 3 [--ipv6] [--name tag] [--subnet 10.x.y.0/24]
 *   pnpm lan list
 *   pnpm lan clean
 *
 * Output goes through process.stdout/stderr (this is the package's only terminal-facing file).
 */
import { parseArgs } from 'node:util';
import { lanAvailability } from './availability.js';
import { createLan, type LanOptions } from './lan.js';
import { cleanStaleLans, listLanNetns } from './stale.js';

const USAGE = `usage:
  lan up [--hosts N] [--ipv6] [--name tag] [--subnet 10.x.y.0/24]   build a LAN, hold it until Ctrl-C
  lan list                                                           list lrtc-* namespaces (live/stale)
  lan clean                                                          remove namespaces of dead runs
`;

const out = (s: string) => process.stdout.write(`${s}\n`);
const fail = (s: string, code = 2): never => {
  process.stderr.write(`lan: ${s}\n`);
  process.exit(code);
};

async function up(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      hosts: { type: 'string', default: '3' },
      ipv6: { type: 'boolean', default: false },
      name: { type: 'string' },
      subnet: { type: 'string' },
    },
  });
  const hosts = Number(values.hosts);
  if (!Number.isInteger(hosts)) fail('--hosts must be an integer');
  const opts: LanOptions = {
    hosts,
    ipv6: values.ipv6,
    ...(values.name === undefined ? {} : { name: values.name }),
    ...(values.subnet === undefined ? {} : { subnet: values.subnet }),
  };
  const t0 = performance.now();
  const lan = await createLan(opts);
  const ms = performance.now() - t0;
  for (const n of lan.staleRemoved) out(`removed stale namespace ${n}`);
  out(
    `LAN ${lan.runId}: ${lan.hosts.length} hosts on ${lan.subnet}${lan.subnet6 ? ` + ${lan.subnet6}` : ''}, built in ${ms.toFixed(0)} ms`,
  );
  out(`bridge namespace: ${lan.bridgeNs}`);
  for (const h of lan.hosts)
    out(`  ${h.label.padEnd(6)} ${h.name.padEnd(28)} ${h.ip}${h.ip6 ? `  ${h.ip6}` : ''}`);
  const first = lan.hosts[0];
  if (first !== undefined) out(`run a command in a host:  ip netns exec ${first.name} <command>`);
  out('press Ctrl-C to tear the LAN down');

  // Holds the event loop open; the LAN itself owns no handle that would.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stop = (signal: NodeJS.Signals) => {
    clearInterval(keepAlive);
    lan.close().then(
      () => {
        out(`\n${signal}: LAN ${lan.runId} torn down`);
        process.exit(0);
      },
      (err: unknown) => fail(`teardown failed: ${String(err)}`, 1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE);
    return;
  }
  const avail = lanAvailability();
  if (!avail.ok) fail(avail.reason);
  if (cmd === 'up') await up(rest);
  else if (cmd === 'list') {
    for (const i of await listLanNetns()) out(`${i.name}\tpid ${i.pid}\t${i.alive ? 'live' : 'stale'}`);
  } else if (cmd === 'clean') {
    const removed = await cleanStaleLans();
    for (const n of removed) out(`removed ${n}`);
    out(`${removed.length} stale namespace(s) removed`);
  } else fail(`unknown command ${cmd}\n${USAGE}`);
}

main().catch((err: unknown) => fail(err instanceof Error ? `${err.name}: ${err.message}` : String(err), 1));
