import { describe, expect, it } from 'vitest';
import { bytesOf, KiB, transfer } from './support.js';

describe('runSender / runReceiver over a memory lane', () => {
  it('moves files byte-identical and reports the result on both sides', async () => {
    const files = [
      { path: 'a.bin', data: bytesOf(200 * KiB + 17, 1) },
      { path: 'dir/empty', data: new Uint8Array(0) },
      { path: 'dir/sub/b.txt', data: bytesOf(64 * KiB, 2) },
    ];
    const { sink, sent, received } = await transfer({ files });
    if (sent.status === 'rejected') throw sent.reason;
    if (received.status === 'rejected') throw received.reason;
    expect(sent.status).toBe('fulfilled');
    expect(received.status).toBe('fulfilled');
    for (const file of files) expect(sink.final.get(file.path)).toEqual(file.data);
    expect(sink.partial.size).toBe(0);
    const total = files.reduce((n, f) => n + f.data.length, 0);
    if (sent.status !== 'fulfilled' || received.status !== 'fulfilled') return;
    expect(sent.value.movedBytes).toBe(total);
    expect(received.value.movedBytes).toBe(total);
    expect(received.value.files.map((f) => f.finalPath)).toEqual(files.map((f) => f.path));
    expect(sent.value.lane).toBe('datachannel');
  });
});
