/**
 * Kill and resume between two namespace hosts, each side its own process: the receiver is killed
 * (SIGKILL, no goodbye) at ~50 % of a folder and a 200 MB file; a byte of its partial file rots; a
 * new receiver and sender on the same folders finish the transfer moving < 55 % of the bytes again,
 * and every file arrives byte-identical.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { createIdentity, exportIdentity, type Identity } from '@lanrtc/signal-core';
import { toBase64Url } from '@lanrtc/signal-core/codec';
import { expect, it } from 'vitest';
import { childLines } from '../../../../test/kit/child-lines.js';
import {
  certificateFingerprint,
  createDtlsCertificate,
  type DtlsCertificate,
  serializeDtlsCertificate,
} from '../../src/index.js';
import { flipByte, tempDir } from './fs-support.js';

const PEER = fileURLToPath(new URL('./fixtures/transfer-peer.ts', import.meta.url));
const MB = 1_000_000;

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** The JSON file a fixture reads: its own identity and certificate, and whom it trusts. */
function peerFile(
  dir: string,
  name: string,
  me: [Identity, DtlsCertificate],
  peer: [Identity, DtlsCertificate],
): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      identity: exportIdentity(me[0]),
      certificate: serializeDtlsCertificate(me[1]),
      peerKey: toBase64Url(peer[0].publicKey),
      peerFingerprint: toBase64Url(certificateFingerprint(peer[1])),
    }),
    { mode: 0o600 },
  );
  return path;
}

describeLan('kill the receiver at ~50 %, run both again (two namespace hosts)', () => {
  it('moves < 55 % again, re-fetches a rotted chunk, and every file arrives intact', {
    timeout: 300_000,
  }, async () => {
    const keys = tempDir();
    const a: [Identity, DtlsCertificate] = [createIdentity(), await createDtlsCertificate()];
    const b: [Identity, DtlsCertificate] = [createIdentity(), await createDtlsCertificate()];
    const aFile = peerFile(keys, 'a', a, b);
    const bFile = peerFile(keys, 'b', b, a);
    const from = tempDir();
    mkdirSync(join(from, 'notes', 'old'), { recursive: true });
    writeFileSync(join(from, 'notes', 'todo.txt'), 'resume\n');
    writeFileSync(join(from, 'notes', 'old', 'scan.bin'), randomBytes(2 * MB));
    const big = join(from, 'video.bin');
    const handle = await open(big, 'w');
    for (let at = 0; at < 200 * MB; at += MB) await handle.write(randomBytes(MB));
    await handle.close();
    const total = 200 * MB + 2 * MB + 7;
    const to = tempDir();

    const lan = await createLan({ hosts: 2 });
    try {
      const [sendHost, receiveHost] = lan.hosts as [(typeof lan.hosts)[number], (typeof lan.hosts)[number]];
      const round = () => {
        const receiver = receiveHost.node(PEER, ['receive', bFile, receiveHost.ip, to]);
        const receiverLines = childLines(receiver);
        const card = receiverLines.next((l) => typeof l.card === 'string', { ms: 30_000, what: 'card' });
        const sender = card.then((l) => {
          const child = sendHost.node(PEER, [
            'send',
            aFile,
            sendHost.ip,
            l.card as string,
            join(from, 'notes'),
            big,
          ]);
          return { child, lines: childLines(child) };
        });
        return { receiver, receiverLines, sender };
      };

      const first = round();
      await first.receiverLines.next(
        (l) => ((l.progress as { done?: number } | undefined)?.done ?? 0) >= total / 2,
        { ms: 120_000, what: 'half the bytes' },
      );
      first.receiver.kill('SIGKILL');
      const { lines: firstSender } = await first.sender;
      const ended = await firstSender.next((l) => 'error' in l || 'result' in l, {
        ms: 60_000,
        what: 'sender end',
      });
      expect(ended.error, JSON.stringify(ended)).toBeDefined();
      const part = join(to, '.video.bin.lanrtc-part');
      expect(existsSync(part)).toBe(true);
      expect(existsSync(join(to, 'video.bin'))).toBe(false);
      flipByte(part, 777);

      const second = round();
      const { lines: secondSender } = await second.sender;
      const [received, sent] = await Promise.all([
        second.receiverLines.next((l) => 'error' in l || 'result' in l, {
          ms: 120_000,
          what: 'receiver end',
        }),
        secondSender.next((l) => 'error' in l || 'result' in l, { ms: 120_000, what: 'sender end' }),
      ]);
      expect(received.error, JSON.stringify(received)).toBeUndefined();
      expect(sent.error, JSON.stringify(sent)).toBeUndefined();
      const result = received.result as { lane: string; movedBytes: number; heldBytes: number };
      // The numbers, for whoever reads the test log.
      console.log(
        `resume: held ${result.heldBytes} B, moved ${result.movedBytes} B of ${total} B over ${result.lane}`,
      );
      expect(result.lane).toBe('tls');
      expect(result.heldBytes).toBeGreaterThan(0.45 * total);
      expect(result.movedBytes + result.heldBytes).toBe(total);
      expect(result.movedBytes).toBeLessThan(0.55 * total);
      expect(await sha256File(join(to, 'video.bin'))).toBe(await sha256File(big));
      for (const name of ['todo.txt', 'old/scan.bin']) {
        expect(await sha256File(join(to, 'notes', name))).toBe(await sha256File(join(from, 'notes', name)));
      }
    } finally {
      await lan.close();
    }
  });
});
