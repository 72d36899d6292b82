/** Command-line errors: each is a `UsageError` with a specific message, usage on stderr, exit code 2. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommand, parsePort, runCli, USAGE_EXIT_CODE, UsageError } from '../src/index.js';
import { memoryIo, runMain, tempConfig } from './support.js';

/** What `fn` throws (undefined when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('parseCommand / parsePort', () => {
  it.each([
    [['--bogus'], 'unknown option --bogus'],
    [['--no-name'], 'unknown option --no-name'],
    [['--name'], 'option --name needs a value'],
    [['--qr=yes'], 'option --qr takes no value'],
    [['extra'], 'unexpected argument "extra"'],
  ])('%j → UsageError "%s"', (argv, message) => {
    const options = { name: { type: 'string' }, qr: { type: 'boolean' } } as const;
    const error = thrown(() => parseCommand('card', argv, options));
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ name: 'UsageError', message, command: 'card' });
  });

  it.each([
    ['paste', ['LR1:X', '--message', '--describe'], '--message'],
    ['card', ['--name', '--qr'], '--name'],
    ['id', ['--config', '--help'], '--config'],
    ['id', ['--config', '-h'], '--config'],
    ['card', ['--name', '--'], '--name'],
  ])('%s %j: a flag after a string option is not its value → UsageError', (command, argv, flag) => {
    const options = {
      message: { type: 'string', multiple: true },
      describe: { type: 'boolean' },
      name: { type: 'string' },
      qr: { type: 'boolean' },
    } as const;
    const error = thrown(() => parseCommand(command, argv, options, 1));
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `option ${flag} needs a value (one starting with "-" is written ${flag}=-…)`,
    );
  });

  it('a value starting with "-" is given inline (--opt=-x); a lone "-" is a value', () => {
    const options = { message: { type: 'string', multiple: true }, name: { type: 'string' } } as const;
    const parsed = parseCommand('paste', ['--message=-hi', '--message=--describe', '--name', '-'], options);
    expect(parsed.values).toMatchObject({ message: ['-hi', '--describe'], name: '-' });
  });

  it.each([[['--config=']], [['--config', '']], [['--config=', '--config', '/c']]])(
    '%j: an empty --config is a UsageError',
    (argv) => {
      const error = thrown(() => parseCommand('id', argv, {}));
      expect(error).toMatchObject({
        name: 'UsageError',
        message: 'option --config needs a value (a directory)',
      });
    },
  );

  it('accepts known flags, negations and repeats', () => {
    const parsed = parseCommand('x', ['--type', 'a', '--type=b', '--no-qr', '--config', '/c'], {
      type: { type: 'string', multiple: true },
      qr: { type: 'boolean' },
    });
    expect(parsed.values).toMatchObject({ type: ['a', 'b'], qr: false, config: '/c' });
  });

  it.each(['0', '65536', '-1', '80a', '', '1e3', ' 80', '999999'])('port "%s" is refused', (text) => {
    expect(() => parsePort(text, '--port', 'relay')).toThrow(UsageError);
  });

  it('ports 1 and 65535 are valid, 0 only when allowed', () => {
    expect(parsePort('1', '--port', 'x')).toBe(1);
    expect(parsePort('65535', '--port', 'x')).toBe(65535);
    expect(parsePort('0', '--port', 'x', true)).toBe(0);
  });
});

describe('runCli exit codes', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it.each([
    [['frobnicate'], 'lanrtc: unknown command "frobnicate"', 'usage: lanrtc <command>'],
    [
      ['card', '--port', 'http'],
      'lanrtc card: --port must be an integer 1–65535 (got "http")',
      'usage: lanrtc card',
    ],
    [
      ['relay', '--port', '70000'],
      'lanrtc relay: --port must be an integer 0–65535 (got "70000")',
      'usage: lanrtc relay',
    ],
    [['relay', '--path', 'nope'], 'lanrtc relay: --path must start with "/"', 'usage: lanrtc relay'],
    [['id', '--frob'], 'lanrtc id: unknown option --frob', 'usage: lanrtc id'],
    [
      ['card', '--type', 'Not A Token', '--address', '10.0.0.1'],
      'lanrtc card: device type must match',
      'usage: lanrtc card',
    ],
    [
      ['card', '--days', '0', '--address', '10.0.0.1'],
      'lanrtc card: --days must be an integer 1–365',
      'usage: lanrtc card',
    ],
    [
      ['card', '--name', '--qr', '--address', '10.0.0.1'],
      'lanrtc card: option --name needs a value',
      'usage: lanrtc card',
    ],
    [['id', '--config='], 'lanrtc id: option --config needs a value (a directory)', 'usage: lanrtc id'],
    // The relay's card is checked before the relay starts: nothing on stdout (no URL), exit 2.
    [
      ['relay', '--host', '127.0.0.1', '--port', '0', '--name', 'x'.repeat(40)],
      'lanrtc relay: name longer than 32 bytes',
      'usage: lanrtc relay',
    ],
    [
      ['relay', '--host', '127.0.0.1', '--allowed-host', 'bad host!'],
      'lanrtc relay: --allowed-host must be host or host:port (got "bad host!")',
      'usage: lanrtc relay',
    ],
    [
      ['relay', '--host', '127.0.0.1', '--port', '0', '--allowed-host', 'hall.local'],
      'lanrtc relay: --allowed-host needs host:port when --port is 0',
      'usage: lanrtc relay',
    ],
    // card and listen: one rule for --address, an IP literal the listener can bind, ≤ one per family.
    ...(['card', 'listen'] as const).flatMap((cmd) => [
      [
        [cmd, '--address', 'x.local'],
        `lanrtc ${cmd}: --address must be an IPv4 or IPv6 address (got "x.local")`,
        `usage: lanrtc ${cmd}`,
      ],
      [
        [cmd, '--address', '10.0.0.1', '--address', '10.0.0.2'],
        `lanrtc ${cmd}: --address: at most one IPv4 address`,
        `usage: lanrtc ${cmd}`,
      ],
    ]),
  ])('%j → exit 2, message and usage on stderr', async (argv, message, usage) => {
    const config = tempConfig();
    cleanup = config.cleanup;
    const m = memoryIo();
    const code = await runCli([...argv, '--config', config.dir], m.io);
    expect(code).toBe(USAGE_EXIT_CODE);
    expect(m.stderr().split('\n')[0]).toContain(message);
    expect(m.stderr()).toContain(usage);
    expect(m.stdout()).toBe('');
  });

  it('`id --config --help` is a usage error: no "./--help" directory, exit 2', async () => {
    const cwd = tempConfig();
    cleanup = cwd.cleanup;
    const run = await runMain(['id', '--config', '--help'], { cwd: cwd.dir });
    expect(run.stderr).toMatch(/^lanrtc id: option --config needs a value/);
    expect(run.code).toBe(2);
    expect(existsSync(join(cwd.dir, '--help'))).toBe(false);
    expect(readdirSync(cwd.dir)).toEqual([]);
  });

  it('a usage error echoing an argument escapes its control characters', async () => {
    const m = memoryIo();
    expect(await runCli(['id', '\x1b]0;owned\x07'], m.io)).toBe(2);
    expect(m.stderr().split('\n')[0]).toBe('lanrtc id: unexpected argument "\\x1b]0;owned\\x07"');
    expect(m.stderr()).not.toContain('\x1b');
  });

  it('no arguments → overview on stderr, exit 2; --help → stdout, exit 0', async () => {
    const none = memoryIo();
    expect(await runCli([], none.io)).toBe(2);
    expect(none.stderr()).toContain('commands:');
    const help = memoryIo();
    expect(await runCli(['--help'], help.io)).toBe(0);
    expect(help.stdout()).toMatch(/ {2}relay +run a LAN relay/);
  });

  it.each(['id', 'card', 'relay', 'listen', 'paste'])(
    '`lanrtc %s --help` prints that command’s usage and exits 0',
    async (cmd) => {
      const m = memoryIo();
      expect(await runCli([cmd, '--help'], m.io)).toBe(0);
      expect(m.stdout()).toContain(`usage: lanrtc ${cmd}`);
      expect(m.stderr()).toBe('');
    },
  );

  it('the real executable exits 2 on an unknown flag and 0 on --help', async () => {
    const bad = await runMain(['relay', '--prot', '80']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^lanrtc relay: unknown option --prot\n/);
    const help = await runMain(['card', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: lanrtc card');
  });
});
