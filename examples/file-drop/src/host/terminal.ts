/**
 * What the host prints and reads: the banner, one line per transfer event (progress at most once a
 * second), the accept prompt answered by `y`/`n`, and the commands `list`, `send NAME PATH…`, `q`.
 */
import type { TransferOffer, TransferProgress, TransferResult } from '@lanrtc/signal-core';
import { formatBytes, formatEta, formatRate, percent } from '../shared/format.js';
import type { DropHost, HostTransfer } from './drop-host.js';

/** Where lines go. */
export interface TerminalOut {
  line(text: string): void;
}

/** How often a running transfer prints its progress. */
const PROGRESS_EVERY_MS = 1000;

/** The banner: where the page is, where files go, what to type. */
export function bannerLines(host: DropHost, dir: string, yes: boolean): string[] {
  return [
    `file-drop: ${host.room.self.name}`,
    `  open:     ${host.url}`,
    `  received: ${dir}${yes ? ' (every offer accepted: --yes)' : ''}`,
    'commands: list · send NAME PATH… · y / n (answer an offer) · q',
  ];
}

/** The question an offer puts to the user. */
export function offerLine(offer: TransferOffer, fromName: string): string {
  const n = offer.files.length;
  return `? ${fromName} offers ${n} file${n === 1 ? '' : 's'}, ${formatBytes(offer.totalBytes)} — accept? [y/n]`;
}

/** One progress line of a running transfer. */
export function progressLine(peer: string, direction: 'in' | 'out', p: TransferProgress): string {
  const arrow = direction === 'in' ? `← ${peer}` : `→ ${peer}`;
  return `  ${arrow} ${percent(p.doneBytes + p.heldBytes, p.totalBytes)}% of ${formatBytes(p.totalBytes)}, ${formatRate(p.bytesPerSecond)}, ETA ${formatEta(p.etaMs)}`;
}

/** The lines a finished transfer prints: one per file. */
export function resultLines(peer: string, direction: 'in' | 'out', r: TransferResult): string[] {
  const verb = direction === 'in' ? 'received' : 'sent';
  const lines = r.files.map((f) =>
    direction === 'in'
      ? `${verb} ${f.path} (${formatBytes(f.size)}) from ${peer}${f.finalPath ? ` → ${f.finalPath}` : ''}${f.state === 'held' ? ' (already here)' : ''}`
      : `${verb} ${f.path} (${formatBytes(f.size)}) to ${peer}`,
  );
  const seconds = r.durationMs / 1000;
  lines.push(
    `done ${direction === 'in' ? 'from' : 'to'} ${peer}: ${formatBytes(r.movedBytes)} in ${seconds.toFixed(1)} s over ${r.lane}`,
  );
  return lines;
}

/** Print a transfer's progress (throttled) and its outcome. */
export function followTransfer(t: HostTransfer, out: TerminalOut): void {
  let last = 0;
  t.transfer.onProgress((p) => {
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    out.line(progressLine(t.peer, t.direction, p));
  });
  t.transfer.done.then(
    (r) => {
      for (const line of resultLines(t.peer, t.direction, r)) out.line(line);
    },
    (error: Error) =>
      out.line(
        `! transfer ${t.direction === 'in' ? 'from' : 'to'} ${t.peer} failed: ${error.name}: ${error.message}`,
      ),
  );
}

/**
 * Split a `send` command's arguments: `NAME PATH…`, where a name or path with spaces is written in
 * double quotes (`send "Bea's laptop" "My file.txt"`).
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|(\S+)/g)) words.push(m[1] ?? m[2] ?? '');
  return words;
}
