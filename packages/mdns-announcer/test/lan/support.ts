/**
 * Helpers for the multi-host tests (and bench/mdns.ts): a JSON-lines view of a child started in a
 * lan-harness host, an avahi-daemon with a private D-Bus inside a host (recipe: docs/PLATFORM.md "avahi
 * inside a namespace"), and a parser for `avahi-browse -p` output.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LanHost } from '@lanrtc/lan-harness';

/** Absolute path of the fixture that announces, browses or counts packets inside a host. */
export const PEER = fileURLToPath(new URL('./fixtures/peer.ts', import.meta.url));

/** A parsed stdout line of a child: its JSON object, or `{ line, t }` (t = time received) when it was not JSON. */
export type Line = Record<string, unknown> & { readonly t?: number };

/** Buffers a child's stdout lines (JSON parsed) and waits for matching ones. */
export class Lines {
  readonly lines: Line[] = [];
  stderr = '';
  #waiters = new Set<() => void>();
  #exited = false;

  constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const text = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let parsed: Line;
        try {
          parsed = JSON.parse(text) as Line;
        } catch {
          parsed = { line: text, t: performance.timeOrigin + performance.now() }; // receipt time
        }
        this.lines.push(parsed);
      }
      this.#wake();
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-4000);
    });
    child.once('exit', () => {
      this.#exited = true;
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of this.#waiters) w();
  }

  /** Writes one command line to the child's stdin. */
  send(command: string): void {
    this.child.stdin?.write(`${command}\n`);
  }

  /** The first line (from index `from` on) matching `match`, waiting up to `ms`. */
  waitFor(match: (l: Line) => boolean, ms: number, what: string, from = 0): Promise<Line> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.slice(from).find(match);
        if (!found && !this.#exited) return false;
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (found) resolve(found);
        else reject(new Error(`child exited while waiting for ${what}: ${this.stderr}`));
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timeout (${ms} ms) waiting for ${what}; stderr: ${this.stderr}`));
      }, ms);
      if (!check()) this.#waiters.add(check);
    });
  }
}

/** Starts peer.ts in `host` and returns its line reader. */
export function startPeer(host: LanHost, mode: 'announce' | 'browse' | 'count', config?: object): Lines {
  const args = config === undefined ? [mode] : [mode, JSON.stringify(config)];
  return new Lines(host.node(PEER, args));
}

/** An avahi-daemon (with its own D-Bus) running inside one host. */
export interface Avahi {
  /** Environment for avahi clients (`avahi-browse`, `avahi-publish`) of this daemon. */
  readonly env: Readonly<Record<string, string>>;
  /** The private directory holding the bus socket and configs. */
  readonly dir: string;
  /** Pids (in this pid namespace) of the dbus-daemon and the unshare wrapper of avahi-daemon. */
  readonly children: readonly ChildProcess[];
  /** Removes the private directory (the processes belong to the LAN and die with it). */
  dispose(): void;
}

/**
 * docs/PLATFORM.md recipe: a private system bus, then avahi-daemon under `unshare -m` with a tmpfs `/run`
 * (its pid file and socket paths are compiled in), limited to eth0 and IPv4. Resolves once a client
 * can talk to the daemon.
 */
export async function startAvahi(host: LanHost, hostName: string): Promise<Avahi> {
  const dir = mkdtempSync(join(tmpdir(), 'lanrtc-avahi-'));
  const bus = join(dir, 'bus.sock');
  writeFileSync(
    join(dir, 'bus.conf'),
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${bus}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/>
  </policy>
</busconfig>
`,
  );
  writeFileSync(
    join(dir, 'avahi.conf'),
    `[server]
host-name=${hostName}
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
enable-dbus=yes
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-workstation=no
publish-hinfo=no
[reflector]
[rlimits]
`,
  );
  const env = { DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${bus}` };
  const dbus = host.spawn(
    'dbus-daemon',
    [`--config-file=${join(dir, 'bus.conf')}`, '--nofork', '--nopidfile'],
    { stdio: 'ignore' },
  );
  // Wait for the bus socket before the daemon tries to register on it.
  for (let i = 0; i < 100; i++) {
    const r = await host.exec('test', ['-S', bus]);
    if (r.code === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const daemon = host.spawn(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs tmpfs /run && mkdir /run/avahi-daemon && exec avahi-daemon -f ${join(dir, 'avahi.conf')} --no-drop-root --no-chroot --no-rlimits --no-proc-title`,
    ],
    { env, stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    // `avahi-browse -t` of a type nobody publishes exits 0 once the daemon is running and registered.
    const r = await host.exec('avahi-browse', ['-pt', '_lanrtc-probe._udp'], { env, timeoutMs: 5000 });
    if (r.code === 0) break;
    if (Date.now() > deadline) throw new Error(`avahi-daemon did not come up: ${r.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { env, dir, children: [dbus, daemon], dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One resolved (`=`) line of `avahi-browse -p -r`. */
export interface AvahiResolved {
  readonly interface: string;
  readonly protocol: string;
  readonly name: string;
  readonly type: string;
  readonly host: string;
  readonly address: string;
  readonly port: number;
  /** Each TXT string as bytes, in the order avahi printed them. */
  readonly txt: Uint8Array[];
}

/**
 * Undo avahi's escaping in `-p` output: in names `\DDD` (decimal) and `\.`, `\\`; in TXT
 * (avahi_string_list_to_string) `\"`, `\\` and `\DDD` for bytes outside 32–126.
 */
export function unescapeAvahi(text: string): Uint8Array {
  const out: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as number;
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    const digits = raw.subarray(i + 1, i + 4).toString('utf8');
    if (/^[0-9]{3}$/.test(digits)) {
      out.push(Number(digits));
      i += 3;
    } else {
      out.push(raw[i + 1] as number);
      i += 1;
    }
  }
  return new Uint8Array(out);
}

/** Splits avahi's TXT field `"a=1" "b=2"` into the strings' bytes. */
export function parseAvahiTxt(field: string): Uint8Array[] {
  const strings: Uint8Array[] = [];
  let i = 0;
  while (i < field.length) {
    if (field[i] === ' ') {
      i++;
      continue;
    }
    if (field[i] !== '"') throw new Error(`unexpected TXT syntax at ${i}: ${field}`);
    let j = i + 1;
    while (j < field.length && field[j] !== '"') j += field[j] === '\\' ? 2 : 1;
    strings.push(unescapeAvahi(field.slice(i + 1, j)));
    i = j + 1;
  }
  return strings;
}

/** Parses a `=;eth0;IPv4;name;type;domain;host;address;port;txt` line; undefined for other lines. */
export function parseAvahiResolved(line: string): AvahiResolved | undefined {
  if (!line.startsWith('=;')) return undefined;
  // Fields are `;`-separated and avahi escapes `;` inside names, so the first nine splits are safe;
  // the TXT field (the rest) may contain `;` inside quotes.
  const parts: string[] = [];
  let rest = line;
  for (let k = 0; k < 9; k++) {
    const i = rest.indexOf(';');
    parts.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  const [, iface, protocol, name, type, , host, address, port] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    interface: iface,
    protocol,
    name: Buffer.from(unescapeAvahi(name)).toString('utf8'),
    type,
    host,
    address,
    port: Number(port),
    txt: parseAvahiTxt(rest),
  };
}

/** The value bytes of TXT key `key` (first occurrence), or undefined. */
export function txtValue(txt: readonly Uint8Array[], key: string): Uint8Array | undefined {
  const prefix = Buffer.from(`${key}=`);
  const s = txt.find((t) => Buffer.from(t.subarray(0, prefix.length)).equals(prefix));
  return s?.subarray(prefix.length);
}
