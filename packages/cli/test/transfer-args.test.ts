/**
 * `lanrtc send` and `lanrtc receive` refuse a wrong command line before anything is started (no
 * identity created, no socket opened) — comparison pairing without a terminal to confirm it on
 * included: usage errors exit 2 with the message and the usage, a path
 * that is not there is `SendPathError` (exit 1).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';
import { memoryIo, tempConfig } from './support.js';

describe('lanrtc send / receive command lines', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it.each([
    [['send'], 'give the files or directories to send'],
    [['send', '.', '--to='], '--to needs the NAME or ID of a receiver'],
    [
      ['send', '.', '--to', 'Shed', '--pin', '12ab'],
      '--pin must be the digits the device shows (got "12ab")',
    ],
    [['send', '.', '--lane', 'udp'], '--lane is tls or datachannel (got "udp")'],
    [['send', '.', '--timeout', '0'], '--timeout must be an integer 1–600 (got "0")'],
    [['send', '.', '--address', 'nowhere'], '--address must be an IPv4 or IPv6 address (got "nowhere")'],
    [['send', '.', '--name', 'x'.repeat(40)], '--name must be ≤ 32 bytes, no control characters'],
    [['send', '.', '--yes'], 'unknown option --yes'],
    [
      ['send', '.', '--to', 'Shed', '--pin', '480361', '--compare'],
      '--pin and --compare are two ways to pair: give one',
    ],
    [
      ['send', '.', '--to', 'Shed', '--compare'],
      '--compare needs a terminal (both people confirm the digits); a script pairs with --pin',
    ],
    [
      ['receive', '--compare'],
      '--compare needs a terminal (a person confirms the digits); a script pairs senders with --pin',
    ],
    [['receive', '--dir', '/no/such/dir'], '--dir /no/such/dir: no such directory (create it first)'],
    [['receive', '--port', '70000'], '--port must be an integer 0–65535 (got "70000")'],
    [
      ['receive', '--address', '10.0.0.1', '--address', '10.0.0.2'],
      '--address: at most one IPv4 address (the listener binds one)',
    ],
    [['receive', 'extra'], 'unexpected argument "extra"'],
    [['receive', '--web-port', '8091'], '--web-port and --web-page go with --web'],
    [
      ['send', '.', '--web', '--to', 'Shed'],
      '--to does not go with --web: the receivers are the pages that open the link',
    ],
    [['send', '.', '--web', '--pin', '480361'], '--pin does not go with --web: the link pairs the pages'],
    [
      ['send', '.', '--web', '--lane', 'tls'],
      '--lane does not go with --web: a page has only the datachannel lane',
    ],
    [['send', '.', '--once', '--no-qr'], '--once, --qr go with --web'],
    [['send', '.', '--web-page', 'dist'], '--web-page goes with --web'],
    [['send', '.', '--web', '--web-port', 'x'], '--web-port must be an integer 0–65535 (got "x")'],
    [
      ['send', '.', '--web', '--address', '::1'],
      '--address with --web must be an IPv4 address, the page link names it (got "::1")',
    ],
    [['receive', '--web', '--web-port', 'x'], '--web-port must be an integer 0–65535 (got "x")'],
  ])('%j is a usage error', async (argv, message) => {
    const config = tempConfig();
    cleanup = config.cleanup;
    const m = memoryIo();
    expect(await runCli([...argv, '--config', config.dir], m.io)).toBe(2);
    const [first] = m.stderr().split('\n');
    expect(first).toBe(`lanrtc ${argv[0]}: ${message}`);
    expect(m.stderr()).toContain(`usage: lanrtc ${argv[0]}`);
    expect(m.stdout()).toBe('');
    expect(existsSync(join(config.dir, 'identity.json'))).toBe(false);
  });

  it('a path that is not there is SendPathError, before the LAN is searched', async () => {
    const config = tempConfig();
    cleanup = config.cleanup;
    const m = memoryIo();
    const missing = join(config.dir, 'nope.txt');
    expect(await runCli(['send', missing, '--to', 'Shed', '--config', config.dir], m.io)).toBe(1);
    expect(m.stderr()).toBe(`lanrtc send: SendPathError: ${missing}: no such file or directory\n`);
    expect(existsSync(join(config.dir, 'identity.json'))).toBe(false);
  });

  it('--web with a directory that holds no built page is WebPageNotBuiltError, before anything starts', async () => {
    const config = tempConfig();
    cleanup = config.cleanup;
    const m = memoryIo();
    const argv = [
      'receive',
      '--web',
      '--web-page',
      config.dir,
      '--address',
      '10.0.0.1',
      '--config',
      config.dir,
    ];
    expect(await runCli(argv, m.io)).toBe(1);
    expect(m.stderr()).toBe(
      `lanrtc receive: WebPageNotBuiltError: no index.html in --web-page ${config.dir}: give the directory a Vite build wrote\n`,
    );
    expect(existsSync(join(config.dir, 'identity.json'))).toBe(false);
  });

  it('send --web with a path that is not there is SendPathError, before anything starts', async () => {
    const config = tempConfig();
    cleanup = config.cleanup;
    const m = memoryIo();
    const missing = join(config.dir, 'nope');
    // A built page of the test's own: the path is what is wrong.
    writeFileSync(join(config.dir, 'index.html'), '<!doctype html>');
    const argv = ['send', missing, '--web', '--web-page', config.dir, '--address', '10.0.0.1'];
    expect(await runCli([...argv, '--config', config.dir], m.io)).toBe(1);
    expect(m.stderr()).toBe(`lanrtc send: SendPathError: ${missing}: no such file or directory\n`);
    expect(existsSync(join(config.dir, 'identity.json'))).toBe(false);
  });

  it('--help shows each command with its options', async () => {
    for (const [command, option] of [
      ['send', '--to NAME|ID'],
      ['receive', '--dir DIR'],
    ] as const) {
      const m = memoryIo();
      expect(await runCli([command, '--help'], m.io)).toBe(0);
      expect(m.stdout()).toContain(`usage: lanrtc ${command}`);
      expect(m.stdout()).toContain(option);
    }
  });
});
