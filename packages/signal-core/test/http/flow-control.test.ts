import { HTTP_INITIAL_WINDOW_BYTES } from '@lanrtc/signal-core/http';
import { describe, expect, it } from 'vitest';
import { connected, countingStream, KiB, quiesce, readAll, sameBytes } from './support.js';

const TOTAL = 4096 * KiB;
const CHUNK = 64 * KiB;
// What may be read ahead of the window: the chunk the pump holds while it waits for credit, a
// remainder under one DATA payload it keeps to join with the next chunk, and the chunk the source
// stream pulls ahead to fill its own queue (high-water mark 1).
const SLACK = 3 * CHUNK;

describe('HTTP flow control', () => {
  it('a response body nobody reads stops the handler body being read at the window', async () => {
    const source = countingStream(TOTAL, CHUNK);
    const { client } = await connected(async () => ({ status: 200, headers: [], body: source.stream }));
    const response = await client.fetch('/big');
    const pulled = await quiesce(() => source.state.pulled);
    expect(pulled).toBeGreaterThanOrEqual(HTTP_INITIAL_WINDOW_BYTES);
    expect(pulled).toBeLessThanOrEqual(HTTP_INITIAL_WINDOW_BYTES + SLACK);
    // Reading resumes it, and every byte arrives in order.
    expect(sameBytes(await readAll(response.body), source.data)).toBe(true);
    expect(source.state.pulled).toBe(TOTAL);
    client.close();
  });

  it('a slow reader holds the handler at most one window ahead of what it read', async () => {
    const source = countingStream(TOTAL, CHUNK);
    const { client } = await connected(async () => ({ status: 200, headers: [], body: source.stream }));
    const reader = ((await client.fetch('/big')).body as ReadableStream<Uint8Array>).getReader();
    let read = 0;
    for (let i = 0; i < 20; i++) {
      const { value } = await reader.read();
      read += value?.length ?? 0;
      const pulled = await quiesce(() => source.state.pulled);
      expect(pulled - read).toBeLessThanOrEqual(HTTP_INITIAL_WINDOW_BYTES + SLACK);
    }
    await reader.cancel();
    client.close();
  });

  it('a request body the handler does not read stops the client reading its source at the window', async () => {
    const source = countingStream(TOTAL, CHUNK);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let received = 0;
    const { client } = await connected(async (req) => {
      await released;
      received = (await readAll(req.body)).length;
      return { status: 200, headers: [], body: null };
    });
    const answered = client.fetch('/upload', { method: 'POST', body: source.stream });
    const pulled = await quiesce(() => source.state.pulled);
    expect(pulled).toBeGreaterThanOrEqual(HTTP_INITIAL_WINDOW_BYTES);
    expect(pulled).toBeLessThanOrEqual(HTTP_INITIAL_WINDOW_BYTES + SLACK);
    release();
    expect((await answered).status).toBe(200);
    expect(received).toBe(TOTAL);
    client.close();
  });
});
