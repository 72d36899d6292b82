#!/usr/bin/env node
// Runs a command inside a private, throw-away Linux network namespace (unshare --net) that holds only
// `lo` and a veth `eth0` whose peer end stays in the namespace (10.77.0.1/24, default route into that veth, i.e. nowhere). Nothing the
// command sends can reach this machine's real interfaces, and the namespace disappears with the
// process, so there is nothing to tear down. Needs root (CI and the project's machines are root).
//
//   node scripts/netns-run.mjs <command> [args...]
//
// Without root it refuses, unless LANRTC_NETNS=off, which runs the command on the host network and
// sets LANRTC_NETNS=off for it, so that network tests skip (and fail under CI=true).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: netns-run.mjs <command> [args...]');
  process.exit(2);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.env.LANRTC_NETNS === 'off' || process.env.LANRTC_IN_NETNS === '1') {
  const r = spawnSync(args[0], args.slice(1), { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (!isRoot) {
  console.error(
    'netns-run: root is needed to create a private network namespace, so that no test or demo traffic\n' +
      "touches this machine's real interfaces. Run as root, or set LANRTC_NETNS=off to run without one\n" +
      '(network tests then skip; under CI=true they fail).',
  );
  process.exit(2);
}

const setup = [
  'set -e',
  'ip link set lo up',
  'ip link add eth0 type veth peer name eth0peer',
  'ip link set eth0peer up',
  'ip addr add 10.77.0.1/24 dev eth0',
  'ip link set eth0 up',
  'ip route add default dev eth0',
  'export LANRTC_IN_NETNS=1',
  'exec "$@"',
].join('\n');
const r = spawnSync('unshare', ['--net', '--', 'sh', '-c', setup, 'netns-run', ...args], {
  stdio: 'inherit',
  env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
});
if (r.error) {
  console.error(`netns-run: ${r.error.message}`);
  process.exit(2);
}
process.exit(r.status ?? 1);
