/**
 * Concurrent transfers' progress (`lanrtc send --web`, one per page): on a terminal one set of bars
 * that every transfer draws into, the cursor given back only when the last is done; without a
 * terminal a line per file, each naming its transfer.
 */
import { describe, expect, it } from 'vitest';
import { createTransferBoard } from '../src/transfer-board.js';
import type { ProgressView } from '../src/transfer-view.js';
import { memoryIo } from './support.js';

const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';

/** A one-file transfer of 1 MB with `done` bytes moved. */
function progress(done: number): ProgressView {
  return {
    lane: 'datachannel',
    totalBytes: 1_000_000,
    doneBytes: done,
    heldBytes: 0,
    bytesPerSecond: 0,
    etaMs: undefined,
    files: [
      { path: 'a.bin', size: 1_000_000, doneBytes: done, state: done === 1_000_000 ? 'done' : 'moving' },
    ],
  };
}

const redraw = () => new Promise((r) => setTimeout(r, 250)); // cli-progress redraws 8 times a second

describe('transfer board', () => {
  it('without a terminal: a line per file, ending with the transfer it belongs to', () => {
    const m = memoryIo({ tty: false });
    const board = createTransferBoard(m.io, 'sent');
    const ada = board.view('to "Ada"');
    const bea = board.view('to "Bea"');
    ada.update(progress(0));
    bea.update(progress(1_000_000));
    ada.update(progress(1_000_000));
    board.log('between');
    board.stop();
    expect(m.stdout()).toBe('sent a.bin (1.0 MB) to "Bea"\nsent a.bin (1.0 MB) to "Ada"\nbetween\n');
  });

  it('on a terminal: both transfers in one set of bars; the cursor comes back after the last', async () => {
    const m = memoryIo({ tty: true });
    const board = createTransferBoard(m.io, 'sent');
    const ada = board.view('to "Ada"');
    const bea = board.view('to "Bea"');
    ada.update(progress(200_000));
    bea.update(progress(600_000));
    await redraw();
    const both = m.stdout();
    expect(both).toMatch(/to "Ada" +█+░+ +20% /);
    expect(both).toMatch(/to "Bea" +█+░+ +60% /);
    expect(both.split(HIDE_CURSOR).length - 1).toBe(1);
    ada.update(progress(1_000_000));
    ada.stop();
    board.log('sent 1 file … to "Ada"');
    await redraw();
    const after = m.stdout().slice(both.length);
    // Bea's bar goes on being drawn, below the line logged above it; the terminal keeps its bars.
    expect(after).toMatch(/sent 1 file … to "Ada"\n(.|\n)*to "Bea" +█+░+ +60% /);
    expect(m.stdout()).not.toContain(SHOW_CURSOR);
    bea.update(progress(1_000_000));
    bea.stop();
    expect(m.stdout()).toContain(SHOW_CURSOR);
    board.log('done'); // no bars any more: written at once
    expect(m.stdout().endsWith('done\n')).toBe(true);
    board.stop();
  });
});
