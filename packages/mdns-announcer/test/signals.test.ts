/** Goodbyes on SIGTERM (RFC 6762 §10.1), with the signal re-raised afterwards. Port 25358. */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import dnsPacket, { type DecodedPacket } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { IN_NETNS, sleep } from './support.js';

const mdnsPort = 25358;

describe.skipIf(!IN_NETNS)('signals (netns)', () => {
  it('sends goodbyes on SIGTERM and then exits by that signal', async () => {
    const observer = createSocket({ type: 'udp4', reuseAddr: true });
    const seen: DecodedPacket[] = [];
    observer.on('message', (buf) => {
      try {
        seen.push(dnsPacket.decode(buf));
      } catch {
        // not DNS
      }
    });
    await new Promise<void>((r) => observer.bind(mdnsPort, '0.0.0.0', () => r()));
    observer.addMembership('224.0.0.251', '10.77.0.1');
    // `node --import tsx` rather than the tsx CLI, whose wrapper process would hide how the child exited.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=source',
        'packages/mdns-announcer/test/signal-child.ts',
        String(mdnsPort),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('child not ready')), 10_000);
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      await sleep(1200);
      seen.length = 0;
      const exited = new Promise<NodeJS.Signals | null>((r) =>
        child.once('exit', (_code, signal) => r(signal)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe('SIGTERM');
      await sleep(100);
      const goodbye = seen.find((p) =>
        (p.answers ?? []).some((a) => a.type === 'PTR' && a.data === 'Signalled._lanrtc._udp.local'),
      );
      expect(goodbye?.answers?.every((a) => 'ttl' in a && a.ttl === 0)).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await new Promise<void>((r) => observer.close(() => r()));
    }
  });
});
