/**
 * werift patch §12 (docs/werift-patches.md): a DTLS client that gets a second HelloVerifyRequest
 * for its ClientHello ignores it. A DTLS server is stateless until the cookie comes back (RFC 6347
 * §4.2.1), so it answers every ClientHello it gets — the original and a retransmission the client's
 * 500 ms timer sent because the first answer was slow — with a HelloVerifyRequest; unpatched werift's
 * client threw on the second (`Flight3.exec`: already in flight 3) and the handshake failed. Under a
 * loaded machine that made a connection fail now and then. A werift server and client in memory
 * (no sockets), ESM and CommonJS builds; the link delivers the server's first datagram twice.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Werift from 'werift';
import { createDtlsCertificate } from '../../src/index.js';
import { dtlsOptions, joinLinks, memoryLink } from './memory-dtls.js';

const builds = {
  esm: (await import('werift')) as typeof Werift,
  cjs: createRequire(import.meta.url)('werift') as typeof Werift,
};

describe('werift patch: a duplicate HelloVerifyRequest does not end the DTLS handshake', () => {
  for (const [name, w] of Object.entries(builds)) {
    it(`${name}: the client ignores the second HelloVerifyRequest and connects`, async () => {
      const [serverCert, clientCert] = [await createDtlsCertificate(), await createDtlsCertificate()];
      const s = memoryLink({ duplicateFirst: true }); // the server's first datagram is its HelloVerifyRequest
      const c = memoryLink();
      joinLinks(s, c);
      const server = new w.DtlsServer({ ...dtlsOptions(serverCert, s), certificateRequest: true });
      const client = new w.DtlsClient(dtlsOptions(clientCert, c));
      const errors: unknown[] = [];
      client.onError.subscribe((e) => errors.push(e));
      server.onError.subscribe((e) => errors.push(e));
      const connected = Promise.all([
        new Promise<void>((r) => server.onConnect.once(() => r())),
        new Promise<void>((r) => client.onConnect.once(() => r())),
      ]);
      void client.connect();
      const outcome = await Promise.race([
        connected.then(() => 'connected'),
        new Promise((r) => setTimeout(() => r('timeout'), 3_000)),
      ]);
      expect({ outcome, errors: errors.length }).toEqual({ outcome: 'connected', errors: 0 });
      const got = new Promise<string>((r) => server.onData.once((d) => r(d.toString())));
      await client.send(Buffer.from('after a duplicate'));
      expect(await got).toBe('after a duplicate');
      server.close();
      client.close();
    });
  }
});
