import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkedBindAddress } from '../src/host/lan-address.js';
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

describe('--bind is checked against this machine', () => {
  it('refuses loopback and addresses the machine does not have, naming the ones it has', () => {
    expect(() => checkedBindAddress('127.0.0.1')).toThrow(/loopback: no phone could open the join link/);
    // TEST-NET-1 (RFC 5737): documentation only, never an interface's address.
    expect(() => checkedBindAddress('192.0.2.77')).toThrow(/not an address of this machine/);
    const thrown = (() => {
      try {
        checkedBindAddress('192.0.2.77');
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toMatchObject({ name: 'GameUsageError' });
  });

  it('takes an address of one of its interfaces', () => {
    const mine = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .find((a) => a.family === 'IPv4' && !a.internal)?.address;
    if (mine === undefined) return; // a machine with no LAN interface has nothing to accept
    expect(checkedBindAddress(mine)).toBe(mine);
  });
});
