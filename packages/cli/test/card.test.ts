/**
 * `lanrtc id` and `lanrtc card`: the persisted identity is reused, the printed card text decodes to
 * a verified card of that identity and certificate, and the printed QR code encodes exactly that text.
 */
import { certificateFingerprint, loadOrCreateNodeIdentity } from '@lanrtc/node-agent';
import { type Card, decodeQrPayload } from '@lanrtc/signal-core';
import { formatSdpFingerprint } from '@lanrtc/signal-core/codec';
import QRCode from 'qrcode';
import { afterEach, describe, expect, it } from 'vitest';
import { decodePasted, QUIET_ZONE_MODULES, runCli, TERMINAL_QR_ERROR_CORRECTION } from '../src/index.js';
import { memoryIo, tempConfig } from './support.js';

const TOP: Record<string, [boolean, boolean]> = {
  ' ': [false, false],
  '▄': [false, true],
  '█': [true, true],
  '▀': [true, false],
};

/** Read a UTF-8 half-block QR code back into its module rows (margin stripped). */
function modulesOf(block: string, margin: number): boolean[][] {
  const lines = block.split('\n').filter((l) => /[▀▄█]/.test(l));
  const rows: boolean[][] = [];
  for (const line of lines) {
    const cells = [...line].slice(margin, line.length - margin).map((c) => TOP[c]);
    if (cells.some((c) => c === undefined)) throw new Error(`unexpected character in QR line: ${line}`);
    rows.push(
      cells.map((c) => (c as [boolean, boolean])[0]),
      cells.map((c) => (c as [boolean, boolean])[1]),
    );
  }
  return rows;
}

describe('lanrtc id / card', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('id creates the identity once and shows the same id and fingerprint afterwards', async () => {
    const config = tempConfig();
    cleanup = config.cleanup;
    const first = memoryIo();
    expect(await runCli(['id', '--config', config.dir], first.io)).toBe(0);
    expect(first.stdout()).toContain('(created)');
    const second = memoryIo();
    expect(await runCli(['id', '--config', config.dir], second.io)).toBe(0);
    const stored = await loadOrCreateNodeIdentity({ dir: config.dir });
    expect(second.stdout()).toBe(
      `id: ${stored.identity.id}\nfingerprint: ${formatSdpFingerprint(certificateFingerprint(stored.certificate))}\nfile: ${stored.file}\n`,
    );
  });

  it('card text decodes to a verified card of this identity; the QR code encodes that text', async () => {
    const config = tempConfig();
    cleanup = config.cleanup;
    const m = memoryIo();
    const argv = ['card', '--config', config.dir, '--name', 'Bench', '--type', 'files', '--type', 'lab-kit'];
    const code = await runCli(
      [...argv, '--address', '10.1.2.3', '--address', 'fd00::7', '--port', '5000', '--qr'],
      m.io,
    );
    expect(code).toBe(0);
    const stored = await loadOrCreateNodeIdentity({ dir: config.dir });
    const [text, ...rest] = m.stdout().split('\n');
    const payload = decodeQrPayload(text as string);
    expect(payload.kind).toBe('card');
    const card = (payload as { card: Card }).card;
    expect(card).toMatchObject({
      id: stored.identity.id,
      name: 'Bench',
      deviceTypes: ['files', 'lab-kit'],
      candidates: [
        { address: '10.1.2.3', port: 5000 },
        { address: 'fd00::7', port: 5000 },
      ],
    });
    expect(card.fingerprint).toEqual(certificateFingerprint(stored.certificate));
    expect(card.expiresAt - card.issuedAt).toBe(30 * 86_400);
    // The same text through the paste decoder (what `lanrtc paste` does), whole output pasted.
    expect(decodePasted(m.stdout())).toMatchObject({ kind: 'card', card: { id: stored.identity.id } });

    const qr = rest.join('\n');
    const expected = QRCode.create(text as string, { errorCorrectionLevel: TERMINAL_QR_ERROR_CORRECTION });
    // The whole text fits QR alphanumeric mode (5.5 bits per character, not 8 in byte mode); the
    // encoder may switch to numeric mode (3.3 bits) for a run of digits, a subset of it.
    const modes = new Set(expected.segments.map((segment) => segment.mode.id));
    expect(modes).toContain('Alphanumeric');
    expect([...modes].filter((mode) => mode !== 'Alphanumeric' && mode !== 'Numeric')).toEqual([]);
    const size = expected.modules.size;
    const rows = modulesOf(qr, QUIET_ZONE_MODULES).slice(0, size);
    expect(rows).toHaveLength(size);
    const want = Array.from({ length: size }, (_, y) =>
      Array.from({ length: size }, (_, x) => expected.modules.get(y, x) === 1),
    );
    expect(rows).toEqual(want);
    expect(m.stdout()).toContain(`id: ${stored.identity.id}`);

    // Same persisted ICE credentials on the next run.
    const again = memoryIo();
    expect(await runCli([...argv, '--address', '10.1.2.3', '--no-qr'], again.io)).toBe(0);
    const reissued = decodeQrPayload(again.stdout().split('\n')[0] as string);
    expect(reissued).toMatchObject({ kind: 'card', card: { ice: card.ice, id: card.id } });
    expect(again.stdout()).not.toMatch(/[▀▄█]/);
  });

  it('QR is on by default on a terminal (ANSI renderer), off when piped', async () => {
    const config = tempConfig();
    cleanup = config.cleanup;
    const tty = memoryIo({ tty: true });
    expect(await runCli(['card', '--config', config.dir, '--address', '10.0.0.2'], tty.io)).toBe(0);
    // Black on white from the 256-colour cube (no theme remaps it); qr-scan.test.ts decodes it.
    expect(tty.stdout()).toContain('\x1b[38;5;16;48;5;231m');
    const pipe = memoryIo();
    expect(await runCli(['card', '--config', config.dir, '--address', '10.0.0.2'], pipe.io)).toBe(0);
    expect(pipe.stdout()).not.toMatch(/[▀▄█]/);
    expect(pipe.stdout()).not.toContain('\x1b');
  });
});
