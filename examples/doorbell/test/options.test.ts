/** The doorbell's command line and state file: what it accepts, and a typed error naming the problem for everything else. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateDoorbellState, parseDoorbellState } from '../src/device/doorbell-state.js';
import { CorruptDoorbellStateError, DoorbellUsageError } from '../src/device/errors.js';
import { parseDoorbellOptions } from '../src/device/options.js';

describe('parseDoorbellOptions', () => {
  it('defaults: port 8080, direct 47800, API 8081, config under XDG_CONFIG_HOME', () => {
    expect(parseDoorbellOptions([], { XDG_CONFIG_HOME: '/x' })).toMatchObject({
      name: 'Doorbell',
      port: 8080,
      directPort: 47800,
      apiPort: 8081,
      config: '/x/lanrtc-doorbell',
      talkbackDir: '/x/lanrtc-doorbell/talkback',
      input: undefined,
      announce: true,
    });
  });

  it.each([
    [['--input', 'camera:/dev/video2'], { input: { kind: 'camera', device: '/dev/video2' } }],
    [['--input', 'file:/tmp/a.mp4'], { input: { kind: 'file', path: '/tmp/a.mp4' } }],
    [['--input', 'test-pattern', '--no-announce'], { input: { kind: 'test-pattern' }, announce: false }],
    [['--port', '0', '--name', 'Front door'], { port: 0, name: 'Front door' }],
    [['--talkback', 'play'], { talkback: 'play' }],
    [[], { talkback: 'auto' }],
  ])('%j', (argv, expected) => expect(parseDoorbellOptions(argv, {})).toMatchObject(expected));

  it.each([
    [['--port', '70000'], /--port must be a port/],
    [['--port=-1'], /--port must be a port/],
    [['--api-port', '80a'], /--api-port must be a port/],
    [['--address', 'example.local'], /--address must be an IPv4 address/],
    [['--name', 'x'.repeat(33)], /--name must be 1–32 bytes/],
    [['--name', ' '], /--name must be 1–32 bytes/],
    [['--input', 'webcam'], /--input must be/],
    [['--input', 'file:'], /--input must be/],
    [['--talkback', 'speaker'], /--talkback must be auto, play or record/],
    [['--bogus'], /Unknown option/],
    [['extra'], /positional/],
  ])('%j → DoorbellUsageError', (argv, message) => {
    expect(() => parseDoorbellOptions(argv, {})).toThrow(DoorbellUsageError);
    expect(() => parseDoorbellOptions(argv, {})).toThrow(message);
  });
});

describe('doorbell state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doorbell-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is created once (0600) and read back unchanged: the card keeps its ICE credentials', async () => {
    const first = await loadOrCreateDoorbellState(dir);
    expect(statSync(join(dir, 'doorbell.json')).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateDoorbellState(dir)).toEqual(first);
    expect(JSON.parse(readFileSync(join(dir, 'doorbell.json'), 'utf8'))).toEqual(first);
  });

  it.each([
    ['not json', /not JSON/],
    ['[]', /not a version 1/],
    ['{"v":2,"ice":{"ufrag":"abcd","pwd":"abcdefghijklmnopqrstuvwx"}}', /not a version 1/],
    ['{"v":1,"ice":{"ufrag":"ab","pwd":"abcdefghijklmnopqrstuvwx"}}', /bad ICE/],
    ['{"v":1,"ice":{"ufrag":"abcd","pwd":"short"}}', /bad ICE/],
    ['{"v":1,"ice":{"ufrag":"ab cd","pwd":"abcdefghijklmnopqrstuvwx"}}', /bad ICE/],
  ])('%s → CorruptDoorbellStateError', (text, message) => {
    expect(() => parseDoorbellState(text)).toThrow(CorruptDoorbellStateError);
    expect(() => parseDoorbellState(text)).toThrow(message);
  });

  it('a damaged file on disk stops the doorbell with the typed error, and is left for the user', async () => {
    const broken = mkdtempSync(join(dir, 'broken-'));
    writeFileSync(join(broken, 'doorbell.json'), '{"v":1');
    await expect(loadOrCreateDoorbellState(broken)).rejects.toThrow(CorruptDoorbellStateError);
    expect(readFileSync(join(broken, 'doorbell.json'), 'utf8')).toBe('{"v":1');
  });
});
