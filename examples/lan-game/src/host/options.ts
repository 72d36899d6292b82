/** The host's command line, checked: every mistake is a `GameUsageError` naming the option. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_ROUND_S, MAX_NAME_BYTES } from '../shared/constants.js';
import { GameUsageError } from './errors.js';

/** What the host was asked to do. */
export interface GameOptions {
  readonly help: boolean;
  readonly name: string;
  readonly room: string;
  readonly roundSeconds: number;
  readonly bind: string | undefined;
  readonly port: number;
  readonly screenPort: number;
  readonly config: string;
  /** A built page to serve instead of the package's `dist/client`. */
  readonly clientDir: string | undefined;
  readonly announce: boolean;
  readonly verbose: boolean;
}

/** The usage text. */
export const USAGE = `usage: pnpm --filter lan-game start [-- options]

A party game for 2–8 players on this LAN: serves the page at http://<lan-ip>:8080/, players join by
scanning the QR code, the round runs on this machine.

options:
  --name NAME            the game's name, shown to players and announced, ≤ 32 bytes (default "LAN game")
  --room ROOM            room name, 1–32 of a-z 0-9 - (default "game")
  --round-seconds N      length of a round, 10–600 (default ${DEFAULT_ROUND_S})
  --bind IP              the LAN IPv4 address to serve and announce on (default: the first one)
  --port PORT            page and relay, http (default 8080)
  --screen-port PORT     host screen and local API on 127.0.0.1 (default 8081): /screen,
                         GET /api/status, GET /api/view, POST /api/start
  --config DIR           identity and trusted players (default ~/.config/lanrtc-game)
  --client-dir DIR       serve this built page (default: the package's dist/client)
  --no-announce          do not announce over mDNS
  --verbose              debug logs on stderr
  --help                 this text`;

/** Parse `argv` (without node and the script). */
export function parseGameOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): GameOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean' },
        name: { type: 'string' },
        room: { type: 'string' },
        'round-seconds': { type: 'string' },
        bind: { type: 'string' },
        port: { type: 'string' },
        'screen-port': { type: 'string' },
        config: { type: 'string' },
        'client-dir': { type: 'string' },
        'no-announce': { type: 'boolean' },
        verbose: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new GameUsageError((error as Error).message, { cause: error });
  }
  const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const name = str('name') ?? 'LAN game';
  if (name.trim() === '' || new TextEncoder().encode(name).length > MAX_NAME_BYTES)
    throw new GameUsageError(`--name must be 1–${MAX_NAME_BYTES} bytes (got ${JSON.stringify(name)})`);
  const room = str('room') ?? 'game';
  if (!/^[a-z0-9-]{1,32}$/.test(room))
    throw new GameUsageError(`--room must be 1–32 of a-z, 0-9 and - (got ${JSON.stringify(room)})`);
  const bind = str('bind');
  if (bind !== undefined && !/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(bind))
    throw new GameUsageError(`--bind must be an IPv4 address (got ${JSON.stringify(bind)})`);
  const xdg =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return {
    help: values.help === true,
    name,
    room,
    roundSeconds: integer(str('round-seconds'), '--round-seconds', DEFAULT_ROUND_S, 10, 600),
    bind,
    port: integer(str('port'), '--port', 8080, 0, 65535),
    screenPort: integer(str('screen-port'), '--screen-port', 8081, 0, 65535),
    config: str('config') ?? join(xdg, 'lanrtc-game'),
    clientDir: str('client-dir'),
    announce: values['no-announce'] !== true,
    verbose: values.verbose === true,
  };
}

function integer(
  text: string | undefined,
  option: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d{1,6}$/.test(text) || n < min || n > max)
    throw new GameUsageError(`${option} must be a whole number ${min}–${max} (got ${JSON.stringify(text)})`);
  return n;
}
