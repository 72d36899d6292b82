/** The `.local` resolver against a live announcer in the runner's namespace. Port 25356. */
import { InvalidArgumentError } from '@lanrtc/signal-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Announcement,
  announce,
  createResolver,
  type Resolver,
  ResolveTimeoutError,
} from '../src/index.js';
import { IFACES, IN_NETNS, newCard, verifyTestCard } from './support.js';

const mdnsPort = 25356;
const open: Array<Announcement | Resolver> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

describe.skipIf(!IN_NETNS)('createResolver (netns)', () => {
  it('resolves a host name published by an announcer, then answers from its cache', async () => {
    const ad = await announce({
      card: newCard('Host', []).card,
      verifyCard: verifyTestCard,
      hostName: 'resolve-me',
      port: 7000,
      interfaces: IFACES,
      mdnsPort,
      handleSignals: false,
    });
    open.push(ad);
    const resolver = await createResolver({ interfaces: IFACES, mdnsPort, timeoutMs: 2000 });
    open.push(resolver);
    const first = await resolver.resolve(`${ad.hostName}.local`);
    expect(first.ipv4).toEqual(['10.77.0.1']);
    const started = performance.now();
    const second = await resolver.resolve(`${ad.hostName.toUpperCase()}.LOCAL`);
    expect(second.ipv4).toEqual(['10.77.0.1']);
    expect(performance.now() - started).toBeLessThan(20);
  });

  it('times out cleanly for a name nobody owns', async () => {
    const resolver = await createResolver({ interfaces: IFACES, mdnsPort, timeoutMs: 600 });
    open.push(resolver);
    const started = performance.now();
    await expect(resolver.resolve('0f3c2a44-5b1e-4c3a-9d8e-0a1b2c3d4e5f.local')).rejects.toThrow(
      ResolveTimeoutError,
    );
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(590);
    expect(elapsed).toBeLessThan(1500);
  });

  it('refuses names outside .local and rejects pending lookups on close', async () => {
    const resolver = await createResolver({ interfaces: IFACES, mdnsPort, timeoutMs: 5000 });
    open.push(resolver);
    await expect(resolver.resolve('example.com')).rejects.toThrow(InvalidArgumentError);
    await expect(resolver.resolve('bad..local')).rejects.toThrow(InvalidArgumentError);
    const pending = resolver.resolve('nobody.local');
    await resolver.close();
    await expect(pending).rejects.toThrow(ResolveTimeoutError);
  });
});
