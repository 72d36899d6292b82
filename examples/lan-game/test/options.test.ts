import { describe, expect, it } from 'vitest';
import { parseGameOptions } from '../src/host/options.js';

describe('host options', () => {
  it('has defaults a new user can start with', () => {
    expect(parseGameOptions([], { XDG_CONFIG_HOME: '/cfg' })).toMatchObject({
      name: 'LAN game',
      room: 'game',
      roundSeconds: 60,
      port: 8080,
      screenPort: 8081,
      bind: undefined,
      config: '/cfg/lanrtc-game',
      announce: true,
    });
  });

  it('reads every option', () => {
    const o = parseGameOptions([
      '--name',
      'Friday games',
      '--room',
      'friday-2',
      '--round-seconds',
      '90',
      '--bind',
      '192.168.1.20',
      '--port',
      '9000',
      '--screen-port',
      '9001',
      '--config',
      '/tmp/g',
      '--no-announce',
    ]);
    expect(o).toMatchObject({
      name: 'Friday games',
      room: 'friday-2',
      roundSeconds: 90,
      bind: '192.168.1.20',
      port: 9000,
      screenPort: 9001,
      config: '/tmp/g',
      announce: false,
    });
  });

  it.each([
    [['--round-seconds', '5'], /--round-seconds must be a whole number 10–600/],
    [['--round-seconds', '1e3'], /--round-seconds/],
    [['--port', '70000'], /--port must be a whole number 0–65535/],
    [['--bind', '300.1.1.1'], /--bind must be an IPv4 address/],
    [['--bind', 'my-laptop'], /--bind must be an IPv4 address/],
    [['--room', 'Friday Games'], /--room must be 1–32 of a-z/],
    [['--name', ''], /--name must be 1–32 bytes/],
    [['--name', 'é'.repeat(17)], /--name must be 1–32 bytes/],
    [['--colour', 'red'], /Unknown option '--colour'/],
    [['extra'], /Unexpected argument 'extra'/],
  ])('refuses %j with a GameUsageError', (argv, message) => {
    expect(() => parseGameOptions(argv)).toThrow(
      expect.objectContaining({ name: 'GameUsageError', message: expect.stringMatching(message) }),
    );
  });
});
