/**
 * The doorbell's terminal: what it prints (who it is, where to open the viewer, the PIN and the
 * pairing card as a QR code, then one line per event) and the commands it reads, one per line.
 */
import type { Interface } from 'node:readline';
import QRCode from 'qrcode';
import type { Doorbell, DoorbellEvent, ViewerInfo } from './doorbell.js';
import { UnknownViewerError } from './errors.js';

/** Where the terminal writes. */
export interface TerminalOut {
  line(text: string): void;
}

/** The commands, as the help line shows them. */
export const COMMANDS =
  'Enter: ring · l: list viewers · r ID: revoke a viewer · p: new PIN and pairing card · q: quit';

/** The banner: name, URLs, input, PIN and pairing card. */
export async function printBanner(
  doorbell: Doorbell,
  apiUrl: string,
  out: TerminalOut,
  qr: boolean,
): Promise<void> {
  out.line(`Doorbell "${doorbell.name}" is on — no internet needed`);
  out.line(`  viewer:   ${doorbell.url}   (open it on a phone or laptop on this network)`);
  out.line(`  video:    ${describeInput(doorbell)}`);
  out.line(`  local API: ${apiUrl}ring (POST rings the bell)`);
  out.line(`  PIN: ${doorbell.pin()}   (the viewer asks for it once; a new one after each pairing)`);
  await printPairingCard(doorbell.pairingCard(), out, qr);
  out.line(COMMANDS);
}

/** The pairing card as a QR code (the installed viewer scans it) and as text (to paste). */
export async function printPairingCard(text: string, out: TerminalOut, qr: boolean): Promise<void> {
  out.line('  pairing card (scan it with the installed viewer, or paste the text):');
  if (qr) out.line(await QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' }));
  out.line(`  pairing card: ${text}`);
}

/** One line for an event (undefined: nothing to say). */
export function eventLine(event: DoorbellEvent, now = new Date()): string | undefined {
  const at = now.toTimeString().slice(0, 8);
  const who = (id: string) => id.slice(0, 8);
  switch (event.kind) {
    case 'connected':
      return `${at} viewer ${who(event.id)}${event.name ? ` "${printable(event.name)}"` : ''} connected via ${event.path}${event.paired ? ' (paired now)' : ''} — ${event.watching} watching`;
    case 'disconnected':
      return `${at} viewer ${who(event.id)} left (${printable(event.reason)}) — ${event.watching} watching`;
    case 'ring':
      return `${at} ring ${event.report.id} → ${event.report.viewers} viewer${event.report.viewers === 1 ? '' : 's'} (snapshot ${Math.round(event.report.snapshotBytes / 1024)} kB)`;
    case 'pin':
      return `${at} PIN: ${event.pin}`;
    case 'pairing-card':
      return undefined; // printed with its QR code by the caller
    case 'attempts':
      return `${at} wrong PIN (${event.state.failuresToday} in 24 h)${event.state.locked ? ' — PIN pairing locked for now: someone may be guessing; use the pairing card' : ''}`;
    case 'talk':
      return `${at} viewer ${who(event.id)} ${event.on ? 'is talking' : 'stopped talking'}`;
    case 'talkback':
      return `${at} talk-back from ${who(event.id)} → ${event.played ? `playing on ${event.to}` : event.to}`;
    case 'problem':
      return `${at} ${event.id ? `viewer ${who(event.id)}: ` : ''}${event.error.name}: ${printable(event.error.message)}`;
  }
}

/** The viewer list, one line each. */
export function viewerLines(viewers: readonly ViewerInfo[]): string[] {
  if (viewers.length === 0) return ['no paired viewers yet'];
  return viewers.map(
    (v) =>
      `  ${v.id}${v.name ? ` "${printable(v.name)}"` : ''} — ${v.connections > 0 ? `watching (${v.paths.join(', ')})` : `last seen ${new Date(v.lastSeen).toLocaleString()}`}`,
  );
}

/** Read commands from `lines`; resolves on `q` (an input that ends just stops the commands). */
export function runCommands(doorbell: Doorbell, lines: Interface, out: TerminalOut): Promise<void> {
  return new Promise((resolve) => {
    lines.on('line', (raw) => {
      const [command = '', arg = ''] = raw.trim().split(/\s+/);
      const run = async () => {
        if (command === '') await doorbell.ring();
        else if (command === 'l') for (const l of viewerLines(await doorbell.viewers())) out.line(l);
        else if (command === 'r') {
          const peer = await doorbell.revoke(arg);
          out.line(`revoked ${peer.id}: it must pair again`);
        } else if (command === 'p') doorbell.newPairing();
        else if (command === 'q') resolve();
        else out.line(COMMANDS);
      };
      run().catch((error: Error) =>
        out.line(
          error instanceof UnknownViewerError ? error.message : `${error.name}: ${printable(error.message)}`,
        ),
      );
    });
  });
}

function describeInput(doorbell: Doorbell): string {
  const input = doorbell.input;
  if (input.kind === 'camera') return `camera ${input.device}`;
  if (input.kind === 'file') return `file ${input.path} (looped)`;
  return 'test pattern 640×480 at 30 fps with a tone (no camera found)';
}

/** Text from a peer or a file, with control characters shown as `?` (no escape sequence reaches the terminal). */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
