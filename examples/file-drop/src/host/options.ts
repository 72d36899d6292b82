/** The host's command line, checked: every mistake is a `FileDropUsageError` naming the option. */
import { homedir, hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FileDropUsageError } from './errors.js';

/** What the host was asked to do. */
export interface FileDropOptions {
  readonly help: boolean;
  readonly name: string;
  /** Where received files go (absolute). */
  readonly dir: string;
  /** Accept every offer without asking. */
  readonly yes: boolean;
  readonly bind: string | undefined;
  readonly port: number;
  readonly config: string;
  /** A built page to serve instead of the package's `dist/page`. */
  readonly pageDir: string | undefined;
  readonly announce: boolean;
  readonly verbose: boolean;
}

/** Longest display name, in UTF-8 bytes (the rooms layer's limit). */
const MAX_NAME_BYTES = 32;

/** The usage text. */
export const USAGE = `usage: pnpm --filter file-drop start [-- options]

Serves the file-drop page at http://<lan-ip>:8090/ and takes files into a folder here; pages that
open the link send files to this computer or to each other, and this computer sends to them
(type "send NAME PATH…").

options:
  --name NAME       this computer's name on the pages, ≤ 32 bytes (default: the host name)
  --dir DIR         where received files go (default ./received)
  --yes             accept every offer without asking
  --bind IP         the LAN IPv4 address to serve and announce on (default: the first one)
  --port PORT       page and relay, http (default 8090)
  --config DIR      identity and trusted pages (default ~/.config/lanrtc-file-drop)
  --page-dir DIR    serve this built page (default: the package's dist/page)
  --no-announce     do not announce over mDNS
  --verbose         debug logs on stderr
  --help            this text`;

/** Parse `argv` (without node and the script). */
export function parseFileDropOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): FileDropOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean' },
        name: { type: 'string' },
        dir: { type: 'string' },
        yes: { type: 'boolean' },
        bind: { type: 'string' },
        port: { type: 'string' },
        config: { type: 'string' },
        'page-dir': { type: 'string' },
        'no-announce': { type: 'boolean' },
        verbose: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new FileDropUsageError((error as Error).message, { cause: error });
  }
  const str = (key: string) => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const name = str('name') ?? hostname().slice(0, MAX_NAME_BYTES);
  if (name.trim() === '' || new TextEncoder().encode(name).length > MAX_NAME_BYTES)
    throw new FileDropUsageError(`--name must be 1–${MAX_NAME_BYTES} bytes (got ${JSON.stringify(name)})`);
  const bind = str('bind');
  if (bind !== undefined && !/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(bind))
    throw new FileDropUsageError(`--bind must be an IPv4 address (got ${JSON.stringify(bind)})`);
  const port = str('port') ?? '8090';
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535)
    throw new FileDropUsageError(`--port must be a whole number 0–65535 (got ${JSON.stringify(port)})`);
  const xdg =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  const pageDir = str('page-dir');
  return {
    help: values.help === true,
    name,
    dir: resolve(cwd, str('dir') ?? 'received'),
    yes: values.yes === true,
    bind,
    port: Number(port),
    config: str('config') ?? join(xdg, 'lanrtc-file-drop'),
    pageDir: pageDir === undefined ? undefined : resolve(cwd, pageDir),
    announce: values['no-announce'] !== true,
    verbose: values.verbose === true,
  };
}
