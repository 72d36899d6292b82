/**
 * Ctrl-C while `lanrtc paste` is still connecting (a card whose address nobody answers on): the
 * command stops at once with "stopped (SIGINT)" and exit code 130, not a crash. Opens sockets: runs
 * inside the test namespace (`node scripts/test.mjs packages/cli/test`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HOST } from '../../node-agent/test/direct/support.js';
import { IN_NETNS } from '../../node-agent/test/peer/pair.js';
import { runCli } from '../src/index.js';
import { memoryIo, tempConfig } from './support.js';

describe.skipIf(!IN_NETNS)('stopping a command that is connecting', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('paste: SIGINT while connecting → "stopped (SIGINT)", exit 130', async () => {
    const device = tempConfig();
    const me = tempConfig();
    cleanup = () => {
      device.cleanup();
      me.cleanup();
    };
    const card = memoryIo();
    expect(await runCli(['card', '--address', HOST, '--port', '9', '--config', device.dir], card.io)).toBe(0);
    const text = card.stdout().split('\n')[0] as string;
    const m = memoryIo();
    const started = Date.now();
    setTimeout(() => m.controller.abort('SIGINT'), 500);
    expect(await runCli(['paste', text, '--address', HOST, '--config', me.dir], m.io)).toBe(130);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(m.stderr()).toBe('lanrtc paste: stopped (SIGINT)\n');
  }, 20_000);
});
