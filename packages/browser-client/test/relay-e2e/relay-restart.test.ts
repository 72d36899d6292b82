/**
 * Chromium inside the LAN harness: relay restart during an idle session. Three
 * hosts: C runs a standalone relay process serving the page, A the Node device, B Chromium. The page
 * (insecure http origin on C) and the device pair and echo; the relay process is SIGKILLed and started
 * again on the same port; both clients redial and log in again, and a new connect() succeeds with no
 * PIN. Then a connect() started while the relay is down completes once it is back.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLan, type LanHost } from '@lanrtc/lan-harness';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { afterEach, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { call, type DeviceLine, deviceLines, pageBundle } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const INDEX_HTML = '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>';

/** Start the relay process on `host` and wait for its ready line. */
async function startRelay(
  host: LanHost,
  port: number,
  dir: string,
): Promise<{ child: ChildProcess; ready: DeviceLine }> {
  const relay = deviceLines(host.node(join(here, 'relay-proc.ts'), [host.ip, String(port), dir]));
  return { child: relay.child, ready: await relay.next((l) => l.ready === true) };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describeLan(
  'browser-client over the real relay: relay restart during an idle session (Chromium, 3 hosts)',
  () => {
    const cleanup: (() => unknown)[] = [];
    afterEach(async () => {
      for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
    });

    it('both reconnect, connect() works again without re-pairing, and a connect() made during the outage completes', async () => {
      const t0 = performance.now();
      const dir = mkdtempSync(join(tmpdir(), 'lanrtc-relay-restart-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, 'index.html'), INDEX_HTML);
      writeFileSync(join(dir, 'app.js'), await pageBundle());
      const lan = await createLan({ hosts: 3 });
      cleanup.push(() => lan.close());
      const [a, b, c] = lan.hosts;
      if (!a || !b || !c) throw new Error('LAN has fewer than 3 hosts');

      let relay = await startRelay(c, 0, dir);
      cleanup.push(() => kill(relay.child));
      const port = relay.ready.port as number;
      const url = relay.ready.url as string;
      const device = deviceLines(a.node(join(here, 'device.ts'), [a.ip, dir, 'default', url]));
      const ready = (await device.next((l) => l.ready === true)) as DeviceLine & { id: string; pin: string };
      const chromium = await launchChromium(b.name);
      cleanup.push(() => chromium.close());
      const page = await (await chromium.browser.newContext()).newPage();
      await page.goto(`http://${c.ip}:${port}/`);
      await page.waitForFunction(() => 'relayE2e' in globalThis);

      const started = await call(page, 'start', true);
      if (!started.ok) throw new Error(`start failed: ${started.error}`);
      const me = started.value;
      /** Wait until the device has reported relay state `state` `n` times. */
      const deviceState = (state: string, n: number) =>
        expect
          .poll(() => device.lines.filter((l) => l.relayState === state).length, { timeout: 5_000 })
          .toBeGreaterThanOrEqual(n);
      /** On a failed step, wait for the device's own deadline and throw with what both sides saw. */
      const explain = async (outcome: { ok: boolean }) => {
        if (outcome.ok) return;
        await new Promise((r) => setTimeout(r, 3_000));
        const detail = {
          outcome,
          rejected: await call(page, 'rejected'),
          relayStates: await call(page, 'relayStates'),
          relayErrors: await call(page, 'relayErrors'),
          device: device.lines.slice(3),
        };
        throw new Error(`step failed: ${JSON.stringify(detail)}`);
      };
      expect(await call(page, 'enterPin', ready.id, ready.pin)).toEqual({ ok: true, value: null });
      expect(await call(page, 'connectEcho', ready.id, 'before')).toMatchObject({
        ok: true,
        value: { reply: 'echo:before' },
      });

      // Idle; then the relay process dies (SIGKILL: no shutting-down frame) and comes back on its port.
      const tKill = performance.now();
      await kill(relay.child);
      await expect.poll(() => call(page, 'relayStates'), { timeout: 5_000 }).toContain('reconnecting');
      await deviceState('reconnecting', 1);
      relay = await startRelay(c, port, dir);
      await expect
        .poll(() => call(page, 'relayStates'), { timeout: 5_000 })
        .toEqual(['open', 'reconnecting', 'open']);
      await deviceState('open', 2); // the first login was `open` #1
      const outageMs = performance.now() - tKill;

      const after = await call(page, 'connectEcho', ready.id, 'after restart');
      await explain(after);
      expect(after).toMatchObject({ ok: true, value: { remote: ready.id, reply: 'echo:after restart' } });

      // A connect() started while the relay is down: its signed offer waits in the client's buffer.
      await kill(relay.child);
      await expect.poll(() => call(page, 'relayStates'), { timeout: 5_000 }).toHaveLength(4);
      await deviceState('reconnecting', 2);
      const during = call(page, 'connectEcho', ready.id, 'during outage');
      await new Promise((r) => setTimeout(r, 500));
      relay = await startRelay(c, port, dir);
      const duringOutcome = await during;
      await explain(duringOutcome);
      expect(duringOutcome).toMatchObject({ ok: true, value: { reply: 'echo:during outage' } });

      expect(device.lines.filter((l) => 'paired' in l)).toHaveLength(1);
      expect(device.lines.filter((l) => l.connection === me.id)).toHaveLength(3);
      expect(device.lines.filter((l) => 'sessionError' in l || 'pairingFailed' in l)).toEqual([]);
      console.log(
        JSON.stringify({
          test: 'relay restart (chromium, lan)',
          killToBothOpenMs: Math.round(outageMs),
          reconnectEchoMs: after.ok ? after.value.ms : undefined,
          totalMs: Math.round(performance.now() - t0),
        }),
      );
    }, 50_000);
  },
);
