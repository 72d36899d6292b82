/**
 * The doorbell runs for days: the real doorbell program in one LAN host, two Node viewers in another.
 * One viewer stays connected and keeps receiving video; the other connects and leaves 200 times
 * (direct connect from the plain card — every 20th time through the doorbell's relay instead — the
 * `doorbell` channel's hello, the first video packet, close). The doorbell's own numbers (its local API's `/status`) after warm-up and at the end show
 * memory and open handles flat, and the staying viewer's packets show it was never disturbed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan, type Lan, type LanHost } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DoorbellStats } from '../../src/device/doorbell.js';
import {
  type DoorbellProcess,
  type LineReader,
  readLines,
  startDoorbellIn,
} from '../support/doorbell-process.js';

const VIEWER = join(dirname(fileURLToPath(import.meta.url)), '..', 'support', 'soak-viewer.ts');
const CYCLES = 200;
/** Warm-up: werift, DTLS and the media source have made their one-time allocations by then. */
const WARM_UP = 20;
/** Every 20th cycle goes through the doorbell's relay (a page it served), the others direct from the card. */
const RELAY_EVERY = 20;
const MB = 1024 * 1024;

/** A soak viewer process in a LAN host. */
interface SoakViewer extends LineReader {
  /** Write one line to its stdin. */
  send(line: string): void;
}

describeLan('doorbell soak: 200 viewer connect/disconnect cycles beside a viewer that stays', () => {
  let lan: Lan;
  let hostB: LanHost;
  let doorbell: DoorbellProcess;
  const cleanup: (() => unknown)[] = [];
  const temp = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  };
  const startViewer = async (role: 'watch' | 'cycle', card: string, extra: string[] = []) => {
    const child = hostB.node(VIEWER, [
      '--config',
      temp('doorbell-soak-'),
      '--card',
      card,
      '--role',
      role,
      ...extra,
    ]);
    cleanup.push(() => child.kill('SIGKILL'));
    const viewer: SoakViewer = {
      ...readLines(child, `${role} viewer`),
      send: (line) => child.stdin?.write(`${line}\n`),
    };
    const ready = await viewer.next(/^(ready|failed) (.*)$/, { from: 0, ms: 30_000 });
    if (ready[1] !== 'ready') throw new Error(`${role} viewer: ${ready[2]}`);
    return viewer;
  };

  beforeAll(async () => {
    lan = await createLan({ hosts: 2 });
    cleanup.push(() => lan.close());
    const [a, b] = lan.hosts as [LanHost, LanHost];
    hostB = b;
    // --expose-gc: `/status?gc=1` then measures live memory, not garbage a later collection frees.
    doorbell = await startDoorbellIn(
      a,
      ['--viewer-dir', temp('doorbell-no-viewer-'), '--address', a.ip],
      undefined,
      { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() },
    );
    cleanup.push(() => doorbell.stop());
  }, 60_000);
  afterAll(async () => {
    // Whatever the doorbell reported besides viewers coming and going (problems, wrong PINs).
    const news = doorbell?.lines.filter((l) => /^\d\d:/.test(l) && !/ (connected via|left) /.test(l));
    if (news?.length) console.log(news.join('\n'));
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  }, 30_000);

  /** The doorbell's stats once the last viewer that left is gone: medians of three samples, each after a full GC. */
  async function sample(): Promise<DoorbellStats> {
    const deadline = Date.now() + 10_000;
    while ((await doorbell.stats()).watching !== 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const samples: DoorbellStats[] = [];
    for (let i = 0; i < 3; i++) {
      samples.push(await doorbell.stats({ gc: true }));
      await new Promise((r) => setTimeout(r, 200));
    }
    const median = (pick: (s: DoorbellStats) => number) =>
      samples.map(pick).sort((x, y) => x - y)[Math.floor(samples.length / 2)] as number;
    return {
      ...(samples.at(-1) as DoorbellStats),
      watching: median((s) => s.watching),
      rssBytes: median((s) => s.rssBytes),
      heapUsedBytes: median((s) => s.heapUsedBytes),
      handles: median((s) => s.handles),
    };
  }

  it('memory and handles stay flat over 200 cycles; the viewer that stays keeps its video', async () => {
    const from = doorbell.lines.length;
    const watcher = await startViewer('watch', doorbell.pairingCard());
    // A direct pairing makes the doorbell issue the next one-time pairing card.
    await doorbell.next(/pairing card: LR1:/, { from });
    const counts = async () => {
      const from = watcher.lines.length;
      watcher.send('count');
      const m = await watcher.next(/^packets (\d+) frames (\d+) gap (\d+)$/, { from });
      return { packets: Number(m[1]), frames: Number(m[2]), gap: Number(m[3]), at: performance.now() };
    };
    // The staying viewer's frame rate alone, to compare with its rate while the other comes and goes.
    const idleFrom = await counts();
    const rows: { cycle: number; stats: DoorbellStats }[] = [{ cycle: 0, stats: await sample() }];
    const idleTo = await counts();
    const idleRate = (idleTo.frames - idleFrom.frames) / ((idleTo.at - idleFrom.at) / 1000);

    const cycler = await startViewer('cycle', doorbell.pairingCard(), [
      '--cycles',
      String(CYCLES),
      '--pause',
      `${WARM_UP},${CYCLES / 2},${CYCLES}`,
      '--relay',
      `${doorbell.url.replace(/^http/, 'ws')}relay`,
      '--relay-every',
      String(RELAY_EVERY),
    ]);
    const pause = async (cycle: number) => {
      const m = await cycler.next(new RegExp(`^(pause ${cycle}|failed .*)$`), { ms: 120_000 });
      if (m[1]?.startsWith('failed')) throw new Error(`cycle viewer ${m[1]}`);
      rows.push({ cycle, stats: await sample() });
    };
    await pause(WARM_UP);
    const before = await counts();
    cycler.send('go');
    await pause(CYCLES / 2);
    cycler.send('go');
    await pause(CYCLES);
    const after = await counts();
    cycler.send('go');
    const done = await cycler.next(/^(done|failed) (.*)$/);
    expect(done[1], done[2]).toBe('done');

    const rate = (after.frames - before.frames) / ((after.at - before.at) / 1000);
    const times = cycler.lines.flatMap((l) => /^cycle \d+ (\d+) /.exec(l)?.[1] ?? []).map(Number);
    const relayed = cycler.lines.filter((l) => / relay$/.test(l)).length;
    const retries = cycler.lines.filter((l) => l.startsWith('retry '));
    const sorted = [...times].sort((x, y) => x - y);
    console.log(
      [
        'cycle   rss MB  heap MB  handles  watching',
        ...rows.map(({ cycle, stats: s }) =>
          [
            String(cycle).padStart(5),
            (s.rssBytes / MB).toFixed(1).padStart(8),
            (s.heapUsedBytes / MB).toFixed(1).padStart(8),
            String(s.handles).padStart(8),
            String(s.watching).padStart(9),
          ].join(' '),
        ),
        ...retries,
        `cycles: ${times.length} (${relayed} through the relay, ${retries.length} direct connects tried twice), per cycle median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms (${done[2]} ms mean)`,
        `staying viewer: ${idleRate.toFixed(1)} fps alone; during the cycles ${after.frames - before.frames} frames (${after.packets - before.packets} packets) in ${((after.at - before.at) / 1000).toFixed(1)} s = ${rate.toFixed(1)} fps, longest gap ${after.gap} ms`,
      ].join('\n'),
    );

    expect(times).toHaveLength(CYCLES);
    expect(relayed).toBe(CYCLES / RELAY_EVERY);
    // A rare direct connect stuck in ICE checking is a toolkit issue of its own; more than rare fails here.
    expect(retries.length).toBeLessThanOrEqual(2);
    const warm = rows.find((r) => r.cycle === WARM_UP)?.stats as DoorbellStats;
    const end = rows.find((r) => r.cycle === CYCLES)?.stats as DoorbellStats;
    expect(end.watching).toBe(1);
    // Measured: handles equal, heap +1.2 MB after GC, RSS within ±5 MB over 180 cycles. A leak of
    // 200 kB per connection would be 36 MB; a socket or timer left per connection, 180 handles.
    expect(end.handles - warm.handles).toBeLessThanOrEqual(3);
    expect(end.heapUsedBytes - warm.heapUsedBytes).toBeLessThan(10 * MB);
    expect(end.rssBytes - warm.rssBytes).toBeLessThan(30 * MB);
    // The staying viewer: video all along, no stall. Connecting viewers cost the doorbell CPU that
    // ffmpeg shares (two busy cores: ~30 fps alone, 20+ during the cycles), hence the margin.
    expect(rate).toBeGreaterThan(idleRate / 3);
    expect(after.gap).toBeLessThan(3000);
    watcher.send('quit');
  }, 240_000);
});
