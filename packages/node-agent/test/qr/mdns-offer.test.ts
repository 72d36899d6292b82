/**
 * `answerQrOffer` on an offer whose host candidates are `<uuid>.local` names (what Chromium and
 * Firefox pages put in an offer on a network with a default route) and which ends with
 * `a=end-of-candidates` (as Firefox's does): werift 0.24.4 gives up at once when its check list is
 * empty and the remote said there are no more candidates, so the answer must still connect through
 * the peer-reflexive candidate of the offerer's first check — with no resolver, with one that
 * fails, and with one that answers. Runs inside the test namespace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answerQrOffer, type NodeConnection } from '../../src/index.js';
import { echo, HOST, party } from '../direct/support.js';
import { IN_NETNS } from '../peer/pair.js';
import { qrOfferer } from './offerer.js';

const NAME = '3f1c0f3e-2b8a-4c55-9d0e-7a6b5c4d3e2f.local';

/** werift's offer as a browser writes it: host candidates as an mDNS name, then end-of-candidates. */
function asBrowser(sdp: string): string {
  const lines = sdp
    .split('\r\n')
    .filter((l) => l !== 'a=end-of-candidates')
    .map((l) => (l.startsWith('a=candidate:') ? l.replace(` ${HOST} `, ` ${NAME} `) : l));
  const last = lines.map((l) => l.startsWith('a=candidate:')).lastIndexOf(true);
  lines.splice(last + 1, 0, 'a=end-of-candidates');
  return lines.join('\r\n');
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(!IN_NETNS)('answerQrOffer: `.local` host candidates and end-of-candidates', () => {
  const cases: [string, ((name: string) => Promise<string>) | undefined][] = [
    ['no resolver', undefined],
    ['a resolver that fails', () => Promise.reject(new Error('no answer'))],
    ['a resolver that answers', async () => HOST],
    ['a resolver that answers late', () => new Promise((resolve) => setTimeout(() => resolve(HOST), 300))],
  ];
  it.each(cases)('connects with %s (peer-reflexive or resolved)', async (_, resolve) => {
    const [page, node] = [await party(), await party()];
    const secret = crypto.getRandomValues(new Uint8Array(16));
    const offerer = await qrOfferer(page, HOST, secret, asBrowser);
    cleanups.push(() => offerer.close());
    const sdp = offerer.offer.description.sdp;
    expect(sdp).toContain(` ${NAME} `);
    expect(sdp).toContain('a=end-of-candidates');
    const asked: string[] = [];
    const peer = {
      interfaceAddresses: [HOST],
      ...(resolve
        ? {
            resolveLocalHostname: (name: string) => {
              asked.push(name);
              return resolve(name);
            },
          }
        : {}),
    };
    const answer = await answerQrOffer(offerer.text, { ...node, peer, connectTimeoutMs: 5_000 });
    const [atPage, atNode] = await Promise.all([
      offerer.accept(answer.text),
      answer.connection.then((c: NodeConnection) => {
        cleanups.push(() => c.close());
        return c;
      }),
    ]);
    expect(atPage).toMatchObject({ paired: true, remote: { id: node.identity.id } });
    expect(atNode).toMatchObject({ paired: true, remote: { id: page.identity.id } });
    expect(await echo(atNode, 'lanrtc', 'hi')).toBe('hi');
    expect(asked).toEqual(resolve ? [NAME] : []);
  });
});
