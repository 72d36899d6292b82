/**
 * packages/relay/README.md's "Finding one" block, run as written on host B of a namespace LAN while
 * host A runs a relay whose signed card names it by its `.local` host name: the Node `connectRelay`
 * resolves that name over mDNS itself (a plain `ws` dial would ask the system resolver, which knows
 * no `.local`, and the login would fail). And a `.local` name nobody answers for fails the login as
 * a socket error caused by the resolver's timeout, not as a login timeout.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { fixture, lines } from './support.js';

const README = fileURLToPath(new URL('../../packages/relay/README.md', import.meta.url));
// Under test/ so the block's `@lanrtc/*` imports resolve from test/node_modules; git ignores it.
const TMP = fileURLToPath(new URL('./.lanrtc-tmp/', import.meta.url));

/** The first ```ts block after `marker` in the README. */
function blockAfter(marker: string): string {
  const text = readFileSync(README, 'utf8');
  const at = text.indexOf(marker);
  expect(at).toBeGreaterThanOrEqual(0);
  const block = /```ts\n([\s\S]*?)```/.exec(text.slice(at));
  expect(block).not.toBeNull();
  return block?.[1] ?? '';
}

describeLan('relay README: finding a relay announced by its .local name', () => {
  let lan: Lan | undefined;
  afterEach(async () => {
    await lan?.close();
    lan = undefined;
    rmSync(TMP, { recursive: true, force: true });
  });

  it('the "Finding one" block browses, resolves the .local host and logs in', async () => {
    const script = `${TMP}finding-one-${process.pid}.ts`;
    mkdirSync(TMP, { recursive: true });
    writeFileSync(script, blockAfter('Finding one:'));
    lan = await createLan({ hosts: 2 });
    const [a, b] = lan.hosts as [Lan['hosts'][number], Lan['hosts'][number]];
    const relay = lines(a.node(fixture('relay-host.ts'), [a.ip, 'hall-relay']));
    const ready = await relay.next('ready');
    expect(ready.hostName).toBe('hall-relay');

    const run = await b.execNode(script, [], { timeoutMs: 30_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('logged in to Hall relay at hall-relay.local');
    expect(run.code).toBe(0);
    // The relay on host A logged the client in (it was not some other process answering).
    expect(await relay.next('login')).toMatchObject({ event: 'login' });
  }, 60_000);

  it('a .local relay host nobody answers for fails the login with the resolver timeout as its cause', async () => {
    lan = await createLan({ hosts: 1 });
    const [a] = lan.hosts as [Lan['hosts'][number]];
    const run = lines(a.node(fixture('relay-unresolvable.ts'), ['nobody-here']));
    const result = await run.next('result', 20_000);
    expect(result).toMatchObject({
      outcome: 'failed',
      name: 'RelayHandshakeError',
      message: 'relay socket error',
      cause: 'ResolveTimeoutError',
    });
    expect(result.ms as number).toBeLessThan(10_000); // the resolver's 3 s, not the 10 s login deadline
    expect(run.stderr()).toBe('');
  }, 40_000);
});
