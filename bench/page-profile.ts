/**
 * A page's JavaScript CPU profile through the Chrome DevTools Protocol (`Profiler` domain, via
 * Playwright's `newCDPSession`): start, stop, write the `.cpuprofile` (opens in DevTools) and sum
 * self time by function, so a bench can say where a page's main thread spent a transfer.
 */
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Start profiling `page`; the returned function stops, writes `file` and returns the top self-time entries. */
export async function profilePage(
  page: Page,
  file: string,
): Promise<() => Promise<{ totalMs: number; top: { name: string; ms: number }[] }>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    await cdp.detach().catch(() => undefined);
    writeFileSync(file, JSON.stringify(profile));
    return summarize(profile);
  };
}

/** Self time by `function (file:line)`, idle excluded, largest first. */
export function summarize(profile: Profile): { totalMs: number; top: { name: string; ms: number }[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let totalMs = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] as number);
    // A sample's time is the delta to the next sample.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? ` ${url.replace(/^.*\//, '')}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${where}`;
    self.set(name, (self.get(name) ?? 0) + ms);
    totalMs += ms;
  }
  const top = [...self]
    .map(([name, ms]) => ({ name, ms: Math.round(ms) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 15);
  return { totalMs: Math.round(totalMs), top };
}
