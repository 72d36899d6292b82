/** What the host prints and the commands it reads (Enter starts a round, `status`, `q` quits). */
import type { Interface } from 'node:readline';
import QRCode from 'qrcode';
import { COLOUR_NAMES } from '../shared/constants.js';
import { places } from '../shared/places.js';
import type { GameHost, GameHostEvent, GameHostStatus } from './game-host.js';
import type { GameServer } from './game-server.js';

/** Where the terminal writes. */
export interface TerminalOut {
  line(text: string): void;
}

/** The banner: where to join, the QR code (on a terminal), the commands. */
export async function printBanner(
  server: GameServer,
  init: { name: string; room: string; roundSeconds: number },
  out: TerminalOut,
  qr: boolean,
): Promise<void> {
  out.line(`LAN game "${init.name}" is on — no internet needed`);
  out.line(`  join:     ${server.joinUrl}`);
  out.line('            (scan the code with a phone on this network, or open the link in a browser)');
  out.line(`  screen:   ${server.screenUrl}   (on this machine: big QR code, lobby, Start)`);
  out.line(`  room:     ${init.room} · rounds of ${init.roundSeconds} s · 2–8 players`);
  if (qr)
    out.line(
      await QRCode.toString(server.joinUrl, { type: 'terminal', small: true, errorCorrectionLevel: 'L' }),
    );
  out.line('Enter: start a round · status: players and counters · q: quit');
}

/** Counts of each rejection reason at which a line is printed (1st, 10th, 100th, …): a flood stays readable. */
const isPowerOfTen = (n: number) => n > 0 && 10 ** Math.round(Math.log10(n)) === n;

/** One line for an event (undefined: nothing to say). */
export function eventLine(event: GameHostEvent, status: GameHostStatus): string | undefined {
  switch (event.kind) {
    case 'joined':
      return `+ ${event.player.name} joined (${COLOUR_NAMES[event.player.slot] ?? 'grey'})`;
    case 'rejoined':
      return `+ ${event.player.name} is back (score ${event.player.score})`;
    case 'left':
      return `- ${event.player.name} left (score kept: ${event.player.score})`;
    case 'round-start':
      return `round ${event.round}: get ready…`;
    case 'round-end': {
      const place = places(event.ranking.map((p) => p.score));
      return `round ${event.round} over: ${event.ranking.map((p, i) => `${place[i]}. ${p.name} ${p.score}`).join(' · ')}`;
    }
    case 'rejected': {
      const n = status.rejected[event.reason];
      return isPowerOfTen(n)
        ? `! rejected input (${event.reason}) from ${event.from.slice(0, 8)}… — ${n} so far`
        : undefined;
    }
  }
}

/** The `status` command's lines. */
export function statusLines(status: GameHostStatus): string[] {
  const lines = [
    `phase ${status.phase} · round ${status.round}${status.secondsLeft ? ` · ${status.secondsLeft} s left` : ''}`,
  ];
  for (const p of status.players)
    lines.push(
      `  ${(COLOUR_NAMES[p.slot] ?? '?').padEnd(6)} ${p.name.padEnd(16)} score ${String(p.score).padStart(3)}  ${
        p.connected ? `ping ${p.rttMs === undefined ? '–' : `${Math.round(p.rttMs)} ms`}` : 'gone'
      }`,
    );
  if (status.players.length === 0) lines.push('  no players yet');
  const rejected = Object.entries(status.rejected).filter(([, n]) => n > 0);
  lines.push(
    `rejected inputs: ${rejected.length ? rejected.map(([r, n]) => `${r} ${n}`).join(', ') : 'none'}`,
  );
  // Not the players' doing: this host fell behind (a starved CPU) or a player's buffer was full.
  if (status.overflowedInputs > 0)
    lines.push(`inputs dropped while this host was behind: ${status.overflowedInputs}`);
  if (status.sendErrors > 0) lines.push(`sends the room refused: ${status.sendErrors}`);
  const s = status.snapshots;
  if (s.sent > 0)
    lines.push(
      `snapshots: ${s.sent} sent, ${Math.round(s.bytes / s.sent)} bytes each (JSON would be ${Math.round(s.jsonBytes / s.sent)}: ${(s.bytes / s.jsonBytes).toFixed(2)}×)`,
    );
  const l = status.loop;
  if (l && l.elapsedMs > 0)
    lines.push(
      `ticks: ${l.ticks} in ${(l.elapsedMs / 1000).toFixed(0)} s (${((1000 * l.ticks) / l.elapsedMs).toFixed(1)}/s), ${l.dropped} dropped, ${l.late} late, worst ${l.maxLatenessMs.toFixed(0)} ms behind`,
    );
  return lines;
}

/** Read commands until `q` ('quit') or the end of the input ('eof': no terminal, keep running). */
export async function runCommands(
  game: GameHost,
  lines: Interface,
  out: TerminalOut,
): Promise<'quit' | 'eof'> {
  for await (const raw of lines) {
    const cmd = raw.trim().toLowerCase();
    if (cmd === 'q' || cmd === 'quit') return 'quit';
    if (cmd === '' || cmd === 'start') {
      if (!game.start()) out.line('no players yet: scan the code to join first');
    } else if (cmd === 'status') for (const l of statusLines(game.status())) out.line(l);
    else out.line('commands: Enter (start a round), status, q');
  }
  return 'eof';
}
