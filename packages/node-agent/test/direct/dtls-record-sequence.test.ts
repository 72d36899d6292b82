/**
 * werift patch §7 (docs/werift-patches.md): DTLS record sequence numbers restart at 0 in epoch 1.
 * RFC 6347 §4.1: sequence numbers are kept per epoch, each starting at 0. Unpatched werift sent its
 * Finished as epoch 1 with the NEXT epoch-0 number (the DTLS server: 8) and then restarted at 1 for
 * application data, so one later record repeated the Finished's number and a peer with replay
 * protection (RFC 6347 §4.1.2.6; Chromium) dropped it: for a direct-connect device that was the
 * DCEP ACK of the browser's first app channel, re-sent by SCTP only after its 1 s RTO.
 * A werift DTLS server and client, in memory (no sockets), ESM and CommonJS builds; every record
 * each side sends is parsed from the wire.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Werift from 'werift';
import { createDtlsCertificate } from '../../src/index.js';
import { dtlsOptions, joinLinks, memoryLink } from '../werift-patch/memory-dtls.js';

const builds = {
  esm: (await import('werift')) as typeof Werift,
  cjs: createRequire(import.meta.url)('werift') as typeof Werift,
};

const CONTENT_HANDSHAKE = 22;
const CONTENT_APPLICATION_DATA = 23;

interface RecordHeader {
  type: number;
  epoch: number;
  seq: number;
}

/** Every DTLS record header in one datagram (RFC 6347 §4.1: 13-byte headers). */
function records(datagram: Buffer): RecordHeader[] {
  const out: RecordHeader[] = [];
  for (let at = 0; at + 13 <= datagram.length; at += 13 + datagram.readUInt16BE(at + 11)) {
    out.push({
      type: datagram[at] as number,
      epoch: datagram.readUInt16BE(at + 3),
      seq: datagram.readUIntBE(at + 5, 6),
    });
  }
  return out;
}

/** One direction of an in-memory datagram link that records the record headers it carries. */
function link() {
  const sent: RecordHeader[][] = [];
  return { transport: memoryLink({ onSend: (data) => sent.push(records(data)) }), sent };
}

async function handshakeAndTalk(w: typeof Werift) {
  const [serverCert, clientCert] = [await createDtlsCertificate(), await createDtlsCertificate()];
  const s = link();
  const c = link();
  joinLinks(s.transport, c.transport);
  const server = new w.DtlsServer({ ...dtlsOptions(serverCert, s.transport), certificateRequest: true });
  const client = new w.DtlsClient(dtlsOptions(clientCert, c.transport));
  const connected = Promise.all([
    new Promise<void>((r) => server.onConnect.once(() => r())),
    new Promise<void>((r) => client.onConnect.once(() => r())),
  ]);
  const got = { server: 0, client: 0 };
  server.onData.subscribe(() => got.server++);
  client.onData.subscribe(() => got.client++);
  void client.connect();
  await connected;
  // More application records each way than either side sent in epoch 0.
  for (let i = 0; i < 16; i++) {
    await server.send(Buffer.from(`s${i}`));
    await client.send(Buffer.from(`c${i}`));
  }
  await new Promise((r) => setTimeout(r, 20));
  return { server: s.sent.flat(), client: c.sent.flat(), got };
}

const epoch1 = (sent: RecordHeader[]) => sent.filter((r) => r.epoch === 1);
const repeated = (sent: RecordHeader[]) => {
  const seen = new Set<string>();
  return sent.filter((r) => {
    const key = `${r.epoch}/${r.seq}`;
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  });
};

describe('werift DTLS record sequence numbers per epoch (RFC 6347 §4.1)', () => {
  for (const [name, w] of Object.entries(builds)) {
    it(`${name}: both sides start epoch 1 at 0 and never repeat a sequence number`, async () => {
      const { server, client, got } = await handshakeAndTalk(w);
      expect(got).toEqual({ server: 16, client: 16 });
      for (const sent of [server, client]) {
        const [finished, ...rest] = epoch1(sent);
        expect(finished).toEqual({ type: CONTENT_HANDSHAKE, epoch: 1, seq: 0 });
        expect(rest.map((r) => r.seq)).toEqual(rest.map((_, i) => i + 1));
        expect(rest.every((r) => r.type === CONTENT_APPLICATION_DATA)).toBe(true);
        expect(repeated(epoch1(sent))).toEqual([]);
      }
    });
  }
});
