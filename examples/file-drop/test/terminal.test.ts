/** The host's command line and terminal lines: options checked, `send` arguments split, events worded. */
import { describe, expect, it } from 'vitest';
import { parseFileDropOptions } from '../src/host/options.js';
import { offerLine, resultLines, splitCommand } from '../src/host/terminal.js';

describe('file-drop host options', () => {
  it('has defaults that need no flag', () => {
    const o = parseFileDropOptions([], { XDG_CONFIG_HOME: '/cfg' }, '/work');
    expect([o.dir, o.port, o.config, o.yes, o.announce]).toEqual([
      '/work/received',
      8090,
      '/cfg/lanrtc-file-drop',
      false,
      true,
    ]);
  });

  it.each([
    [['--port', '70000'], /--port/],
    [['--bind', 'my-laptop'], /--bind/],
    [['--name', 'x'.repeat(33)], /--name/],
    [['--frobnicate'], /frobnicate/],
  ])('refuses %j naming the option', (argv, message) => {
    expect(() => parseFileDropOptions(argv)).toThrow(message);
    expect(() => parseFileDropOptions(argv)).toThrow(expect.objectContaining({ name: 'FileDropUsageError' }));
  });
});

describe('file-drop terminal', () => {
  it('splits send arguments, quotes keeping spaces', () => {
    expect(splitCommand('send "Bea B" "My file.txt" notes.md')).toEqual([
      'send',
      'Bea B',
      'My file.txt',
      'notes.md',
    ]);
  });

  it('words an offer and a result', () => {
    const from = { id: 'x', publicKey: new Uint8Array(32) } as never;
    expect(
      offerLine(
        { from, files: [{ path: 'a', size: 3_158_073 }], totalBytes: 3_158_073, heldBytes: 0 },
        'Ada',
      ),
    ).toBe('? Ada offers 1 file, 3.2 MB — accept? [y/n]');
    expect(
      resultLines('Ada', 'in', {
        lane: 'datachannel',
        files: [{ path: 'photo.raw', size: 3_158_073, state: 'received', finalPath: '/r/photo.raw' }],
        movedBytes: 3_158_073,
        heldBytes: 0,
        durationMs: 1600,
      }),
    ).toEqual([
      'received photo.raw (3.2 MB) from Ada → /r/photo.raw',
      'done from Ada: 3.2 MB in 1.6 s over datachannel',
    ]);
  });
});
