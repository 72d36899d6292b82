/**
 * Re-announcing when an interface's addresses change (RFC 6762 §8.4). Adds an IPv6 address to the
 * runner namespace's eth0 (and removes it again); IPv4 tests elsewhere are unaffected. Port 25357.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type Announcement, announce, type Browser, browse } from '../src/index.js';
import { IFACES, IN_NETNS, newCard, Recorder, verifyTestCard } from './support.js';

const mdnsPort = 25357;
const EXTRA = 'fd00:77::1';
const open: Array<Announcement | Browser> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
  if (!IN_NETNS) return;
  try {
    execFileSync('ip', ['-6', 'addr', 'del', `${EXTRA}/64`, 'dev', 'eth0'], { stdio: 'ignore' });
  } catch {
    // the test failed before adding it: nothing to remove
  }
});

describe.skipIf(!IN_NETNS)('address change (netns)', () => {
  it('re-announces with the new address, and browsers see an update', async () => {
    const browser = await browse({ verifyCard: verifyTestCard, interfaces: IFACES, mdnsPort });
    open.push(browser);
    const rec = new Recorder(browser);
    const ad = await announce({
      card: newCard('Moving', ['game']).card,
      verifyCard: verifyTestCard,
      instanceName: 'Moving',
      port: 8000,
      interfaces: IFACES,
      mdnsPort,
      handleSignals: false,
      addressCheckMs: 200,
    });
    open.push(ad);
    const up = await rec.waitFor((e) => e.type === 'up' && e.instance === 'Moving', 3000, 'up');
    expect(up.addresses).not.toContain(EXTRA);
    execFileSync('ip', ['-6', 'addr', 'add', `${EXTRA}/64`, 'dev', 'eth0', 'nodad']);
    const updated = await rec.waitFor(
      (e) => e.type === 'update' && e.instance === 'Moving' && e.addresses.includes(EXTRA),
      3000,
      'update with the new address',
    );
    expect(updated.addresses).toContain('10.77.0.1');
  });
});
