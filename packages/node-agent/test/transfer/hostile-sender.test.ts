/**
 * A hostile sender against the real `receiveFiles` writing to disk, over a real direct connection
 * (werift ICE, DTLS, SCTP; the TLS lane where it says so) in the private network namespace: the
 * sending side here is the public building blocks (`weriftDataChannelLane`, `negotiateSenderLane`,
 * `connectTlsLane`, `runSender`) with a lying source or hand-made frames. Each case ends in its
 * typed error at the receiver, nothing is written outside the target directory, and no file ever
 * appears under its final name.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ByteWriter } from '@lanrtc/signal-core/codec';
import {
  encodeTransferFrame,
  FILES_CHANNEL_LABEL,
  type FileSource,
  negotiateSenderLane,
  runSender,
  type TransferLane,
} from '@lanrtc/signal-core/transfer';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectDirect,
  connectTlsLane,
  createDirectListener,
  createFsSource,
  type NodeConnection,
  receiveFiles,
  weriftDataChannelLane,
} from '../../src/index.js';
import { HOST, owned, type Party, pairParties, party } from '../direct/support.js';
import { IN_NETNS } from '../peer/pair.js';
import { tempDir } from './fs-support.js';

const CHUNK = 64 * 1024;
const { own, closeAll } = owned();
afterEach(closeAll);

async function connectPair(sender: Party, receiver: Party): Promise<[NodeConnection, NodeConnection]> {
  const listener = own(
    await createDirectListener({ ...receiver, name: 'receiver', addresses: [HOST], port: 0 }),
  );
  const incoming = new Promise<NodeConnection>((resolve) => listener.onConnection(resolve));
  const out = own(await connectDirect(listener.card(), { ...sender, peer: { interfaceAddresses: [HOST] } }));
  return [out, own(await incoming)];
}

/** The sender's side of `sendFiles`, by hand: the control channel, the lane it agrees, then `use`. */
async function hostileSender<T>(
  out: NodeConnection,
  certificate: Party['certificate'],
  lanes: readonly ('tls' | 'datachannel')[],
  use: (lane: TransferLane) => Promise<T>,
): Promise<T> {
  const control = weriftDataChannelLane(out.peer.createDataChannel(FILES_CHANNEL_LABEL));
  const lane = await negotiateSenderLane({
    control,
    lanes,
    connectTls: ({ endpoints, token, timeoutMs }) =>
      connectTlsLane({
        certificate,
        remoteFingerprint: out.remoteFingerprint,
        endpoints: endpoints.map((e) => ({ address: e.host, port: e.port })),
        token,
        timeoutMs,
      }),
  });
  try {
    return await use(lane);
  } finally {
    lane.close();
    control.close();
  }
}

/** Every name under `dir` (recursively), temporary ones included; [] when it does not exist. */
const namesUnder = (dir: string) =>
  existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]) : [];

describe.skipIf(!IN_NETNS)('receiveFiles against a hostile sender (netns)', () => {
  it('a chunk that does not match its hash (TLS lane): ChunkVerificationError, no file under its final name', {
    timeout: 60_000,
  }, async () => {
    const [a, b] = [await party(), await party()];
    await pairParties(a, b);
    const from = tempDir();
    const data = Buffer.alloc(6 * CHUNK, 7);
    writeFileSync(join(from, 'x.bin'), data);
    const to = join(tempDir(), 'inbox');
    const [out, incoming] = await connectPair(a, b);
    const receiving = receiveFiles(incoming, { dir: to, certificate: b.certificate, decide: () => true });
    const honest = await createFsSource([join(from, 'x.bin')], { chunkSize: CHUNK });
    const lying: FileSource = {
      manifest: honest.manifest,
      async readChunk(f, c) {
        const bytes = new Uint8Array(await honest.readChunk(f, c));
        if (c === 3) bytes[10] = (bytes[10] as number) ^ 1;
        return bytes;
      },
      close: () => honest.close(),
    };
    const sending = hostileSender(out, a.certificate, ['tls'], (lane) => {
      expect(lane.kind).toBe('tls');
      return runSender({ lane, source: lying });
    });
    const [sent, received] = await Promise.allSettled([sending, receiving.done]);
    expect(received).toMatchObject({ status: 'rejected', reason: { name: 'ChunkVerificationError' } });
    expect(sent).toMatchObject({ status: 'rejected', reason: { reason: 'ChunkVerificationError' } });
    await lying.close();
    expect(existsSync(join(to, 'x.bin'))).toBe(false);
    // The partial holds the chunks verified before the bad one, and only those.
    const partial = readFileSync(join(to, '.x.bin.lanrtc-part'));
    expect(partial.length).toBeLessThanOrEqual(3 * CHUNK);
    expect(partial.equals(data.subarray(0, partial.length))).toBe(true);
  });

  it.each([
    ['../escape.txt', 'UnsafePathError', 'unsafe-path'],
    ['/tmp/escape.txt', 'UnsafePathError', 'unsafe-path'],
    ['sub/../../escape.txt', 'UnsafePathError', 'unsafe-path'],
  ])(
    'an offer naming %s (DataChannel lane) is declined: %s, nothing written anywhere',
    {
      timeout: 60_000,
    },
    async (path, name, reason) => {
      const [a, b] = [await party(), await party()];
      await pairParties(a, b);
      const parent = tempDir();
      const to = join(parent, 'inbox');
      const [out, incoming] = await connectPair(a, b);
      let asked = false;
      const receiving = receiveFiles(incoming, {
        dir: to,
        certificate: b.certificate,
        decide: () => {
          asked = true;
          return true;
        },
      });
      const h = new Uint8Array(32);
      // A one-file manifest (docs/PROTOCOL.md): chunk size, file count, then path, size 1, mode,
      // mtime, file hash, chunk count 1, its chunk hash.
      const manifest = new ByteWriter()
        .varuint(CHUNK)
        .varuint(1)
        .string(path)
        .varuint(1)
        .varuint(0o644)
        .varuint(0)
        .raw(h)
        .varuint(1)
        .raw(h)
        .finish();
      const declined = hostileSender(out, a.certificate, ['datachannel'], async (lane) => {
        // The DECLINE frame (type 7) the receiver answers with, or undefined when the lane closes first.
        const answer = new Promise<Uint8Array | undefined>((resolve) => {
          lane.onFrame((f) => {
            if (f[1] === 7) resolve(f);
          });
          lane.onClose(() => resolve(undefined));
        });
        await lane.write(
          encodeTransferFrame({ type: 'offer', total: manifest.length, offset: 0, piece: manifest }),
        );
        return answer;
      });
      await expect(receiving.done).rejects.toMatchObject({ name });
      expect(asked).toBe(false);
      // The sender is told why: the reason code of the DECLINE.
      const decline = await declined;
      expect(decline?.[2]).toBe(
        ['declined', 'no-space', 'unsafe-path', 'invalid-manifest', 'busy'].indexOf(reason) + 1,
      );
      expect(namesUnder(parent)).toEqual([]);
    },
  );
});
