/**
 * TEST-ONLY: the fixture of the doorbell's e2e tests — a fresh viewer build, a LAN of two hosts, the
 * real doorbell program on host A serving that build; host B is where browsers and viewers run.
 * Everything is torn down after the file's tests (and whatever a test adds with `cleanup`).
 */
import { createLan, type Lan, type LanHost } from '@lanrtc/lan-harness';
import { afterAll, beforeAll } from 'vitest';
import { buildViewer, type DoorbellProcess, startDoorbellIn } from './doorbell-process.js';

/** What the fixture gives a test once `beforeAll` ran. */
export interface DoorbellLan {
  readonly lan: Lan;
  readonly a: LanHost;
  readonly b: LanHost;
  readonly doorbell: DoorbellProcess;
  readonly viewerDir: string;
  /** Run `fn` at teardown (in reverse order of registration). */
  cleanup(fn: () => unknown): void;
}

/** Register the fixture in the current `describe`; `args` are the doorbell's options besides the viewer and address. */
export function useDoorbellLan(args: readonly string[] = []): () => DoorbellLan {
  const undo: (() => unknown)[] = [];
  let fixture: DoorbellLan | undefined;
  beforeAll(async () => {
    const viewer = await buildViewer();
    undo.push(() => viewer.remove());
    const lan = await createLan({ hosts: 2 });
    undo.push(() => lan.close());
    const [a, b] = lan.hosts as [LanHost, LanHost];
    const doorbell = await startDoorbellIn(a, ['--viewer-dir', viewer.dir, '--address', a.ip, ...args]);
    undo.push(() => doorbell.stop());
    fixture = { lan, a, b, doorbell, viewerDir: viewer.dir, cleanup: (fn) => undo.push(fn) };
  }, 90_000);
  afterAll(async () => {
    if (fixture)
      console.log(`doorbell events:\n${fixture.doorbell.lines.filter((l) => /^\d\d:/.test(l)).join('\n')}`);
    for (const fn of undo.splice(0).reverse()) await Promise.resolve(fn()).catch(() => undefined);
  }, 30_000);
  return () => {
    if (!fixture) throw new Error('the doorbell LAN is not up (beforeAll failed)');
    return fixture;
  };
}
