/**
 * sendFiles / receiveFiles between two Node agents on a real direct connection (werift ICE, DTLS,
 * SCTP) in the private network namespace: a folder tree and a 200 MB file arrive byte-identical over
 * the TLS 1.3 lane, a tree and a 20 MB file over the DataChannel lane (werift's SCTP moves ~10 MB/s, so
 * the 200 MB runs once, on the fast lane, and again in the resume test); a receiver stopped at ~50 % resumes on a new
 * connection and moves < 55 % again, a byte flipped in its partial file meanwhile is found and
 * fetched again; a declined offer writes nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectDirect,
  createChunkHashStore,
  createDirectListener,
  HASH_STORE_MIN_BYTES,
  type NodeConnection,
  receiveFiles,
  sendFiles,
} from '../../src/index.js';
import { HOST, owned, type Party, pairParties, party } from '../direct/support.js';
import { IN_NETNS } from '../peer/pair.js';
import { flipByte, tempDir } from './fs-support.js';

const MB = 1_000_000;
const BIG = 200 * MB;
/** The DataChannel run's big file: still 20 chunks of the default 1 MiB, many SCTP messages each. */
const DC_BIG = 20 * MB;
const { own, closeAll } = owned();
afterEach(closeAll);

/** A fresh authenticated direct connection: `[sender's end, receiver's end]`. */
async function connectPair(sender: Party, receiver: Party): Promise<[NodeConnection, NodeConnection]> {
  const listener = own(
    await createDirectListener({ ...receiver, name: 'receiver', addresses: [HOST], port: 0 }),
  );
  const incoming = new Promise<NodeConnection>((resolve) => listener.onConnection(resolve));
  const out = own(await connectDirect(listener.card(), { ...sender, peer: { interfaceAddresses: [HOST] } }));
  return [out, own(await incoming)];
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** A folder tree beside a `bigBytes` (200 MB unless told) file of random bytes, written in 1 MB pieces. */
async function material(bigBytes = BIG): Promise<{ tree: string; big: string }> {
  const from = tempDir();
  const tree = join(from, 'project');
  mkdirSync(join(tree, 'src', 'deep'), { recursive: true });
  writeFileSync(join(tree, 'README'), 'read me\n');
  writeFileSync(join(tree, 'src', 'main.c'), randomBytes(300_000));
  writeFileSync(join(tree, 'src', 'deep', 'empty'), '');
  writeFileSync(join(tree, 'src', 'deep', 'data.bin'), randomBytes(3 * 1024 * 1024 + 1));
  const big = join(from, 'big.bin');
  const handle = await open(big, 'w');
  for (let at = 0; at < bigBytes; at += MB) await handle.write(randomBytes(MB));
  await handle.close();
  return { tree, big };
}

async function expectArrived(to: string, from: { tree: string; big: string }): Promise<void> {
  const names = ['README', 'src/main.c', 'src/deep/empty', 'src/deep/data.bin'];
  for (const name of names) {
    expect(await sha256File(join(to, 'project', name)), name).toBe(await sha256File(join(from.tree, name)));
  }
  expect(await sha256File(join(to, 'big.bin'))).toBe(await sha256File(from.big));
  // Nothing else: no temporary file left, nothing beside the target.
  expect((readdirSync(to, { recursive: true }) as string[]).filter((n) => n.includes('lanrtc-part'))).toEqual(
    [],
  );
}

describe.skipIf(!IN_NETNS)('sendFiles / receiveFiles (netns)', () => {
  for (const [lane, bigBytes] of [
    ['tls', BIG],
    ['datachannel', DC_BIG],
  ] as const) {
    it(`a tree and a ${bigBytes / MB} MB file arrive byte-identical over the ${lane} lane`, {
      timeout: 240_000,
    }, async () => {
      const [a, b] = [await party(), await party()];
      await pairParties(a, b);
      const from = await material(bigBytes);
      const to = tempDir();
      const [out, incoming] = await connectPair(a, b);
      const offers: unknown[] = [];
      const receiving = receiveFiles(incoming, {
        dir: to,
        certificate: b.certificate,
        // The DataChannel run: the receiver allows only the channel, so negotiation must settle there.
        ...(lane === 'datachannel' ? { lanes: ['datachannel'] as const } : {}),
        decide: (offer) => {
          offers.push({
            from: offer.from.id,
            files: offer.files.length,
            total: offer.totalBytes,
            held: offer.heldBytes,
          });
          return true;
        },
      });
      const progress: number[] = [];
      receiving.onProgress((p) => progress.push(p.doneBytes));
      const sending = sendFiles(out, [from.tree, from.big], { certificate: a.certificate });
      const [sent, received] = await Promise.all([sending.done, receiving.done]);
      const total = bigBytes + 8 + 300_000 + 3 * 1024 * 1024 + 1;
      expect(offers).toEqual([{ from: a.identity.id, files: 5, total, held: 0 }]);
      expect(sent.lane).toBe(lane);
      expect(received.lane).toBe(lane);
      expect(received.movedBytes).toBe(total);
      expect(received.files.map((f) => [f.path, f.state])).toEqual([
        ['project/README', 'received'],
        ['project/src/main.c', 'received'],
        ['project/src/deep/data.bin', 'received'],
        ['project/src/deep/empty', 'received'],
        ['big.bin', 'received'],
      ]);
      expect(progress.at(-1)).toBe(total);
      await expectArrived(to, from);
    });
  }

  it('a receiver stopped at ~50 % resumes on a new connection: < 55 % moves again, a flipped byte is fetched again', {
    timeout: 240_000,
  }, async () => {
    const [a, b] = [await party(), await party()];
    await pairParties(a, b);
    const from = await material();
    const to = tempDir();
    const total = BIG + 8 + 300_000 + 3 * 1024 * 1024 + 1;

    const [out1, in1] = await connectPair(a, b);
    const first = receiveFiles(in1, { dir: to, certificate: b.certificate, decide: () => true });
    first.onProgress((p) => {
      if (p.doneBytes >= total / 2) {
        // As if the receiving machine went away: its side of the connection closes at once.
        first.cancel();
        void in1.close();
      }
    });
    const sendOne = sendFiles(out1, [from.tree, from.big], { certificate: a.certificate });
    const [s1, r1] = await Promise.allSettled([sendOne.done, first.done]);
    expect(r1).toMatchObject({ status: 'rejected', reason: { name: 'TransferCancelledError' } });
    expect(s1.status).toBe('rejected');
    const part = join(to, '.big.bin.lanrtc-part');
    expect(existsSync(part)).toBe(true);
    expect(existsSync(join(to, 'big.bin'))).toBe(false);
    // The disk rots a byte of the partial file's first chunk before the second attempt.
    flipByte(part, 12_345);

    const [out2, in2] = await connectPair(a, b);
    let held = -1;
    const second = receiveFiles(in2, {
      dir: to,
      certificate: b.certificate,
      decide: (offer) => {
        held = offer.heldBytes;
        return true;
      },
    });
    const sendTwo = sendFiles(out2, [from.tree, from.big], { certificate: a.certificate });
    const [, received] = await Promise.all([sendTwo.done, second.done]);
    expect(held).toBeGreaterThan(0.45 * total);
    expect(received.heldBytes).toBe(held);
    expect(received.movedBytes).toBe(total - held);
    expect(received.movedBytes).toBeLessThan(0.55 * total);
    await expectArrived(to, from);
  });

  it('one connection carries several transfers; each receiveFiles takes the next one', {
    timeout: 60_000,
  }, async () => {
    const [a, b] = [await party(), await party()];
    await pairParties(a, b);
    const from = tempDir();
    const to = tempDir();
    const [out, incoming] = await connectPair(a, b);
    const lanes = ['tls', 'datachannel', 'tls'] as const;
    // Every receiver waits before anything is sent: each must take its own transfer's channel.
    const receiving = lanes.map((lane) =>
      receiveFiles(incoming, { dir: to, certificate: b.certificate, lanes: [lane], decide: () => true }),
    );
    for (const [i, lane] of lanes.entries()) {
      writeFileSync(join(from, `n${i}.txt`), `transfer ${i}`);
      const sending = sendFiles(out, [join(from, `n${i}.txt`)], { certificate: a.certificate });
      const [sent, received] = await Promise.all([sending.done, receiving[i]?.done]);
      expect([sent.lane, received?.files[0]?.finalPath]).toEqual([lane, join(to, `n${i}.txt`)]);
    }
    expect((readdirSync(to) as string[]).sort()).toEqual(['n0.txt', 'n1.txt', 'n2.txt']);
  });

  it('a receiver waiting for an offer ends on cancel, and when the connection ends', {
    timeout: 60_000,
  }, async () => {
    const [a, b] = [await party(), await party()];
    await pairParties(a, b);
    const [out, incoming] = await connectPair(a, b);
    const init = { dir: tempDir(), certificate: b.certificate, decide: () => true };
    const cancelled = receiveFiles(incoming, init);
    const waiting = receiveFiles(incoming, init);
    cancelled.cancel();
    await expect(cancelled.done).rejects.toMatchObject({ name: 'TransferCancelledError' });
    await out.close();
    await expect(waiting.done).rejects.toMatchObject({ name: 'TransportClosedError' });
  });

  it('a stale stored chunk hash is refused by the receiver; the store is cleared and sending again works', {
    timeout: 60_000,
  }, async () => {
    const [a, b] = [await party(), await party()];
    await pairParties(a, b);
    const from = tempDir();
    const file = join(from, 'big.bin');
    writeFileSync(file, randomBytes(HASH_STORE_MIN_BYTES));
    const hashStoreDir = join(tempDir(), 'hash-cache');
    // A stored entry for exactly this file version whose hashes are wrong (a store that went stale).
    const st = statSync(file, { bigint: true });
    const stamp = { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
    await createChunkHashStore({ dir: hashStoreDir }).put(
      stamp,
      1024 * 1024,
      Array.from({ length: 16 }, () => new Uint8Array(32).fill(1)),
    );
    const to = tempDir();
    const [out, incoming] = await connectPair(a, b);
    const init = { dir: to, certificate: b.certificate, decide: () => true };
    const refusing = receiveFiles(incoming, init);
    const stale = sendFiles(out, [file], { certificate: a.certificate, hashStoreDir });
    const [sent, received] = await Promise.allSettled([stale.done, refusing.done]);
    expect(sent).toMatchObject({
      status: 'rejected',
      reason: { name: 'TransferAbortedError', reason: 'ChunkVerificationError' },
    });
    expect(received).toMatchObject({ status: 'rejected', reason: { name: 'ChunkVerificationError' } });
    expect(existsSync(hashStoreDir)).toBe(false);

    const receiving = receiveFiles(incoming, init);
    const again = sendFiles(out, [file], { certificate: a.certificate, hashStoreDir });
    await Promise.all([again.done, receiving.done]);
    expect(await sha256File(join(to, 'big.bin'))).toBe(await sha256File(file));
    // Hashed for real this time, and recorded for the next run.
    expect(readdirSync(hashStoreDir).filter((n) => n.endsWith('.hashes'))).toHaveLength(1);
  });

  it('a declined offer writes nothing and both sides learn why', { timeout: 60_000 }, async () => {
    const [a, b] = [await party(), await party()];
    await pairParties(a, b);
    const from = tempDir();
    writeFileSync(join(from, 'note.txt'), 'no thanks');
    const to = join(tempDir(), 'inbox');
    const [out, incoming] = await connectPair(a, b);
    const receiving = receiveFiles(incoming, { dir: to, certificate: b.certificate, decide: () => false });
    const sending = sendFiles(out, [join(from, 'note.txt')], { certificate: a.certificate });
    const [sent, received] = await Promise.allSettled([sending.done, receiving.done]);
    expect(sent).toMatchObject({ status: 'rejected', reason: { name: 'TransferDeclinedError' } });
    expect(received).toMatchObject({ status: 'rejected', reason: { name: 'TransferDeclinedError' } });
    expect(existsSync(to)).toBe(false);
  });
});
