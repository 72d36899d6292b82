/** The Node relay client's socket `lookup`: a given `resolveHost`, both callback forms, and a non-IP answer. */
import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { hostLookup, isLocalName } from '../../src/host-lookup.js';

type Outcome = { error: Error | null; address: string | LookupAddress[]; family: number | undefined };

/** Run a lookup and collect what it calls back with. */
function lookup(resolveHost: (host: string) => Promise<string>, all: boolean): Promise<Outcome> {
  return new Promise((resolve) =>
    hostLookup(resolveHost)('relay.local', { all }, (error, address, family) =>
      resolve({ error, address, family }),
    ),
  );
}

describe('hostLookup', () => {
  it('answers with what resolveHost says, in the form Node asked for', async () => {
    const asked: string[] = [];
    const resolveHost = async (host: string) => {
      asked.push(host);
      return host === 'relay.local' ? '10.0.0.7' : 'fe80::1';
    };
    expect(await lookup(resolveHost, false)).toEqual({ error: null, address: '10.0.0.7', family: 4 });
    expect(await lookup(resolveHost, true)).toEqual({
      error: null,
      address: [{ address: '10.0.0.7', family: 4 }],
      family: undefined,
    });
    expect(asked).toEqual(['relay.local', 'relay.local']);
  });

  it('passes a resolver failure on, and refuses an answer that is not an IP address', async () => {
    const failed = await lookup(() => Promise.reject(new Error('no answer')), false);
    expect(failed.error?.message).toBe('no answer');
    const odd = await lookup(async () => 'relay.example', false);
    expect((odd.error as NodeJS.ErrnoException | null)?.code).toBe('EINVAL');
  });

  it('knows .local names (RFC 6762 §3), with or without the root dot', () => {
    expect(isLocalName('hall-relay.local')).toBe(true);
    expect(isLocalName('Hall-Relay.LOCAL.')).toBe(true);
    expect(isLocalName('relay.example')).toBe(false);
    expect(isLocalName('localhost')).toBe(false);
    expect(isLocalName('notlocal')).toBe(false);
  });
});
