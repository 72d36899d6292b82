/**
 * The resolver against software we did not write: Chromium hides its host addresses behind
 * `<uuid>.local` ICE candidates (draft-ietf-mmusic-mdns-ice-candidates) and answers for them with its
 * own mDNS responder. That responder ignores a query that asks for A and AAAA at once (measured with
 * Chromium 156: no answer; an A-only query is answered in ~5 ms), so the resolver asks one question
 * per query. The lookup starts after Chromium's own announcements are over, so only an answer to our
 * query can resolve it.
 */
import { fileURLToPath } from 'node:url';
import { withLan } from '@lanrtc/lan-harness';
import { launchChromium } from '@lanrtc/lan-harness/chromium';
import { describeLan } from '@lanrtc/lan-harness/vitest';
import { expect, it } from 'vitest';

const resolveScript = fileURLToPath(new URL('./fixtures/resolve.ts', import.meta.url));

describeLan('resolving a Chromium mDNS ICE candidate', () => {
  it("resolves Chromium's <uuid>.local host candidate to its address", async () => {
    await withLan({ hosts: 2, name: 'mdnsch' }, async (lan) => {
      const [a, b] = lan.hosts as [(typeof lan.hosts)[0], (typeof lan.hosts)[0]];
      const chromium = await launchChromium(b.name);
      try {
        const page = await chromium.browser.newPage();
        const names = await page.evaluate(async () => {
          const pc = new RTCPeerConnection();
          pc.createDataChannel('x');
          await pc.setLocalDescription(await pc.createOffer());
          await new Promise<void>((resolve) => {
            if (pc.iceGatheringState === 'complete') resolve();
            pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
          });
          const sdp = pc.localDescription?.sdp ?? '';
          (globalThis as { keep?: RTCPeerConnection }).keep = pc; // keep the name registered
          return [...sdp.matchAll(/a=candidate:\S+ 1 udp \d+ (\S+\.local) /g)].map((m) => m[1] as string);
        });
        expect(names.length).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 1500)); // Chromium's unsolicited announcements are over
        const run = await a.execNode(resolveScript, [a.ip, names[0] as string, '2500']);
        const result = JSON.parse(run.stdout.trim()) as { ipv4?: string[]; error?: string; ms?: number };
        expect(result.error).toBeUndefined();
        expect(result.ipv4).toContain(b.ip);
      } finally {
        await chromium.close();
      }
    });
  }, 30_000);
});
