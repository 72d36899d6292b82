/** The transfer commands' terminal output: progress bars on a TTY, a line per file otherwise, the summary, the prompts. */
import { describe, expect, it } from 'vitest';
import { askNumber, askYesNo } from '../src/ask.js';
import { formatBytes, formatEta, formatRate } from '../src/byte-units.js';
import { ChoiceEntryError } from '../src/errors.js';
import { createTransferView, type ProgressView, summaryLine } from '../src/transfer-view.js';
import { memoryIo } from './support.js';

type FileState = ProgressView['files'][number]['state'];

/** A snapshot of a two-file transfer: `a` (2 MB, already there) and a peer-named `b` (3 MB). */
function snapshot(bDone: number, bState: FileState): ProgressView {
  return {
    lane: 'tls',
    totalBytes: 5_000_000,
    doneBytes: 2_000_000 + bDone,
    heldBytes: 2_000_000,
    bytesPerSecond: 1_500_000,
    etaMs: ((3_000_000 - bDone) / 1_500_000) * 1000,
    files: [
      { path: 'dir/a.bin', size: 2_000_000, doneBytes: 2_000_000, state: 'held' },
      { path: 'dir/b\u001b[2J.bin', size: 3_000_000, doneBytes: bDone, state: bState },
    ],
  };
}

describe('units', () => {
  it('prints sizes, rates and ETAs', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1_500_000)).toBe('1.5 MB');
    expect(formatBytes(2_340_000_000)).toBe('2.3 GB');
    expect(formatRate(12_345_678)).toBe('12.3 MB/s');
    expect(formatEta(7_000)).toBe('0:07');
    expect(formatEta(3_723_000)).toBe('1:02:03');
    expect(formatEta(undefined)).toBe('-:--');
  });
});

describe('transfer view', () => {
  it('without a terminal: one line per file once it is done or there, peer text escaped', async () => {
    const m = memoryIo({ tty: false });
    const view = createTransferView(m.io, 'received');
    expect(view.movingMs()).toBeUndefined();
    view.update(snapshot(0, 'waiting'));
    await new Promise((r) => setTimeout(r, 50));
    expect(view.movingMs()).toBeGreaterThanOrEqual(45); // from the first update (the acceptance) on
    view.update(snapshot(1_000_000, 'moving'));
    view.update(snapshot(3_000_000, 'done'));
    view.update(snapshot(3_000_000, 'done'));
    view.stop();
    expect(m.stdout()).toBe('already there dir/a.bin (2.0 MB)\nreceived dir/b\\x1b[2J.bin (3.0 MB)\n');
  });

  it('on a terminal: cli-progress bars for the whole and the moving file, with rate and ETA', async () => {
    const m = memoryIo({ tty: true });
    const view = createTransferView(m.io, 'sent');
    view.update(snapshot(0, 'waiting'));
    view.update(snapshot(500_000, 'moving'));
    await new Promise((r) => setTimeout(r, 250));
    view.update(snapshot(1_500_000, 'moving'));
    view.log('connected someone'); // while the bars are drawn: above them, at the next redraw
    await new Promise((r) => setTimeout(r, 250)); // a redraw (8 per second)
    const drawn = m.stdout();
    // cli-progress clears the line and writes the logged one where the bars were, then redraws them.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequences are what is checked.
    expect(drawn).toMatch(/\u001b\[2Kconnected someone\n\u001b\[1Gtotal /);
    // The whole's rate is the view's own (1.5 MB moved in the ~250 ms since the first update: ~6 MB/s,
    // less on a busy machine), not the snapshot's 1.5 MB/s, which the engines count from before the
    // offer was accepted.
    expect(drawn).toMatch(/total {24}█{17}░{7} {2}70% \| [2-6]\.\d MB\/s \| ETA 0:01 \| 3\.5 MB\/5\.0 MB/);
    expect(drawn).not.toMatch(/total .* 1\.5 MB\/s /);
    // 1 MB in the ~250 ms between two updates (slower on a busy machine), 1.5 MB to go
    expect(drawn).toMatch(
      /dir\/b\\x1b\[2J\.bin {13}█{12}░{12} {2}50% \| [1-4]\.\d MB\/s \| ETA 0:0[12] \| 1\.5 MB\/3\.0 MB/,
    );
    expect(drawn).not.toContain('\u001b[2J');
    view.update(snapshot(3_000_000, 'done'));
    view.stop();
    view.stop(); // twice (the sender stops it on success and again on the way out)
    view.log('stopping (SIGINT)'); // no bars any more: written at once
    expect(m.stdout().endsWith('stopping (SIGINT)\n')).toBe(true);
    expect(m.stdout().match(/ 100% /g)).toHaveLength(1);
    // the cursor hidden while drawing is shown again
    expect(m.stdout().lastIndexOf('\u001b[?25h')).toBeGreaterThan(m.stdout().lastIndexOf('\u001b[?25l'));
    expect(m.stdout()).toContain('already there dir/a.bin (2.0 MB)\n');
    expect(m.stdout()).toContain('sent dir/b\\x1b[2J.bin (3.0 MB)\n');
    expect(m.stdout()).toMatch(/total {24}█{24} 100% /);
  });

  it('summarises files, bytes, moved vs already there, lane and MB/s', () => {
    const line = summaryLine(
      {
        lane: 'datachannel',
        files: [
          { path: 'a', size: 2_000_000, state: 'held' },
          { path: 'b', size: 3_000_000, state: 'received' },
        ],
        movedBytes: 3_000_000,
        heldBytes: 2_000_000,
        durationMs: 1_500,
      },
      'received',
    );
    expect(line).toBe(
      'received 2 files, 5.0 MB (3.0 MB moved, 2.0 MB already there in 1 file) over datachannel in 1.5 s, 2.0 MB/s',
    );
    const result = {
      lane: 'tls' as const,
      files: [],
      movedBytes: 3_000_000,
      heldBytes: 0,
      durationMs: 9_000,
    };
    expect(summaryLine(result, 'sent', 500)).toBe(
      'sent 0 files, 3.0 MB (3.0 MB moved, 0 B already there) over tls in 0.5 s, 6.0 MB/s',
    );
  });
});

describe('prompts', () => {
  it('y or yes accepts, anything else declines', async () => {
    for (const [typed, want] of [
      ['y\n', true],
      ['YES\n', true],
      ['\n', false],
      ['no\n', false],
      ['yep\n', false],
    ] as const) {
      const m = memoryIo({ stdin: typed });
      expect(await askYesNo('accept?', m.io)).toBe(want);
      expect(m.stderr()).toBe('accept? [y/N] ');
    }
  });

  it('a receiver is picked by its number', async () => {
    expect(await askNumber('send to', 3, memoryIo({ stdin: '2\n' }).io)).toBe(2);
    await expect(askNumber('send to', 3, memoryIo({ stdin: '4\n' }).io)).rejects.toThrow(ChoiceEntryError);
    await expect(askNumber('send to', 3, memoryIo({ stdin: 'Shed\n' }).io)).rejects.toThrow(
      'pick a number from 1 to 3 (got "Shed")',
    );
  });
});
