/** The doorbell's command line, checked: every mistake is a `DoorbellUsageError` naming the option. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MediaInput } from '@lanrtc/node-agent';
import { DoorbellUsageError } from './errors.js';

/** What `doorbell` was asked to do. */
export interface DoorbellOptions {
  readonly help: boolean;
  readonly name: string;
  readonly address: string | undefined;
  readonly port: number;
  readonly directPort: number;
  readonly apiPort: number;
  readonly config: string;
  readonly talkbackDir: string;
  readonly talkback: 'auto' | 'play' | 'record';
  /** A built viewer to serve instead of the package's `dist/viewer`. */
  readonly viewerDir: string | undefined;
  readonly input: MediaInput | undefined;
  readonly announce: boolean;
  readonly verbose: boolean;
}

/** The usage text. */
export const USAGE = `usage: pnpm --filter doorbell start [-- options]

A video doorbell on this machine's LAN: serves its viewer at http://<lan-ip>:8080/, streams the
camera (or a test pattern) to every paired viewer, rings them with a snapshot, records talk-back.

options:
  --name NAME          the doorbell's name, ≤ 32 bytes (default "Doorbell")
  --address IP         the LAN IPv4 address to serve and announce on (default: the first one)
  --port PORT          viewer and relay, http (default 8080)
  --direct-port PORT   direct connect from the card, udp (default 47800)
  --api-port PORT      local API on 127.0.0.1 (default 8081): POST /ring, GET /viewers,
                       DELETE /viewers/<id>, GET /status (?gc=1 under node --expose-gc:
                       after a full garbage collection)
  --input INPUT        test-pattern | camera[:/dev/videoN] | file:PATH (default: /dev/video0 when
                       present, else the test pattern)
  --config DIR         identity, paired viewers, state (default ~/.config/lanrtc-doorbell)
  --talkback MODE      auto | play | record: play a viewer's voice on this machine's speaker
                       (PulseAudio, ALSA or OSS), record it to a file, or auto (default): record,
                       and play too when an audio output opens
  --talkback-dir DIR   where talk-back is recorded (default <config>/talkback)
  --viewer-dir DIR     serve this built viewer (default: the package's dist/viewer)
  --no-announce        do not announce over mDNS
  --verbose            debug logs on stderr
  --help               this text`;

const MAX_NAME_BYTES = 32;

/** Parse `argv` (without node and the script). */
export function parseDoorbellOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): DoorbellOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean' },
        name: { type: 'string' },
        address: { type: 'string' },
        port: { type: 'string' },
        'direct-port': { type: 'string' },
        'api-port': { type: 'string' },
        input: { type: 'string' },
        config: { type: 'string' },
        talkback: { type: 'string' },
        'talkback-dir': { type: 'string' },
        'viewer-dir': { type: 'string' },
        'no-announce': { type: 'boolean' },
        verbose: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new DoorbellUsageError((error as Error).message, { cause: error });
  }
  const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const name = str('name') ?? 'Doorbell';
  if (name.trim() === '' || new TextEncoder().encode(name).length > MAX_NAME_BYTES)
    throw new DoorbellUsageError(`--name must be 1–${MAX_NAME_BYTES} bytes (got ${JSON.stringify(name)})`);
  const address = str('address');
  if (address !== undefined && !/^(\d{1,3})(\.\d{1,3}){3}$/.test(address))
    throw new DoorbellUsageError(`--address must be an IPv4 address (got ${JSON.stringify(address)})`);
  const xdg =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  const config = str('config') ?? join(xdg, 'lanrtc-doorbell');
  return {
    help: values.help === true,
    name,
    address,
    port: port(str('port'), '--port', 8080),
    directPort: port(str('direct-port'), '--direct-port', 47800),
    apiPort: port(str('api-port'), '--api-port', 8081),
    config,
    talkbackDir: str('talkback-dir') ?? join(config, 'talkback'),
    viewerDir: str('viewer-dir'),
    talkback: talkbackMode(str('talkback')),
    input: input(str('input')),
    announce: values['no-announce'] !== true,
    verbose: values.verbose === true,
  };
}

function port(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n > 65535)
    throw new DoorbellUsageError(`${option} must be a port 0–65535 (got ${JSON.stringify(text)})`);
  return n;
}

function input(text: string | undefined): MediaInput | undefined {
  if (text === undefined) return undefined;
  if (text === 'test-pattern') return { kind: 'test-pattern' };
  if (text === 'camera') return { kind: 'camera', device: '/dev/video0' };
  if (text.startsWith('camera:') && text.length > 7) return { kind: 'camera', device: text.slice(7) };
  if (text.startsWith('file:') && text.length > 5) return { kind: 'file', path: text.slice(5) };
  throw new DoorbellUsageError(
    `--input must be test-pattern, camera[:DEVICE] or file:PATH (got ${JSON.stringify(text)})`,
  );
}

function talkbackMode(text: string | undefined): 'auto' | 'play' | 'record' {
  if (text === undefined) return 'auto';
  if (text === 'auto' || text === 'play' || text === 'record') return text;
  throw new DoorbellUsageError(`--talkback must be auto, play or record (got ${JSON.stringify(text)})`);
}
