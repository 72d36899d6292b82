/**
 * The self-test that makes links refuse an unpatched dns-packet: true for the workspace's copy, false
 * for a copy with patches/dns-packet@5.6.1.patch reversed (git apply -R in a temporary directory).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDnsPacket, type DnsPacketCodec, dnsPacketPatched } from '../src/dns-packet-check.js';

const require = createRequire(import.meta.url);
const PATCH = fileURLToPath(new URL('../../../patches/dns-packet@5.6.1.patch', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the installed dns-packet with the patch taken out again. */
function unpatchedCopy(): DnsPacketCodec {
  const installed = dirname(require.resolve('dns-packet/package.json'));
  const root = mkdtempSync(join(tmpdir(), 'lanrtc-dns-packet-'));
  dirs.push(root);
  const dir = join(root, 'node_modules', 'dns-packet');
  cpSync(installed, dir, { recursive: true });
  execFileSync('git', ['apply', '-R', PATCH], { cwd: dir });
  // Its one dependency sits next to it in pnpm's layout.
  mkdirSync(join(root, 'node_modules', '@leichtgewicht'));
  const codec = join(dirname(installed), '@leichtgewicht', 'ip-codec');
  symlinkSync(codec, join(root, 'node_modules', '@leichtgewicht', 'ip-codec'));
  return createRequire(join(dir, 'index.js'))('./index.js') as DnsPacketCodec;
}

describe('dns-packet self-test', () => {
  it('passes on the patched copy the package loads', () => {
    expect(dnsPacketPatched()).toBe(true);
  });

  it('fails on the same copy with the patch reversed', () => {
    const lib = unpatchedCopy();
    expect(checkDnsPacket(lib)).toBe(false);
    // …and that copy really is the stock behaviour: a QU question arrives as class UNKNOWN_32769.
    const q = Buffer.from('0000000000010000000000000178000001' + '8001', 'hex');
    expect(lib.decode(q).questions?.[0]?.class).toBe('UNKNOWN_32769');
  });
});
