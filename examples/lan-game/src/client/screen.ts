/**
 * The host screen (served on 127.0.0.1 only): the big QR code, the lobby, a Start button and a
 * spectator view of the round. It polls the host's local API (`/api/view`, the round as JSON) at
 * 20 Hz and draws the discs interpolated between the snapshots it got, 150 ms behind (a poll brings
 * one or two of the 30 Hz snapshots; a spectator needs no prediction).
 */
import type { GameHostStatus } from '../host/game-host.js';
import { COLOURS } from '../shared/constants.js';
import type { RosterMessage, SnapshotMessage } from '../shared/messages.js';
import { API } from '../shared/paths.js';
import { createInterpolator } from './interpolation.js';
import { drawArena } from './render.js';

interface View {
  snapshot: SnapshotMessage;
  roster: RosterMessage;
  coins: { x: number; y: number; big: boolean }[];
  status: GameHostStatus;
  joinUrl: string;
  name: string;
}

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let view: View | undefined;
const interpolator = createInterpolator(150);

async function poll(): Promise<void> {
  try {
    const res = await fetch(API.view, { cache: 'no-store' });
    if (res.ok) {
      view = (await res.json()) as View;
      interpolator.push(view.snapshot.tick, view.snapshot.discs, performance.now());
    }
  } catch {
    // The host is stopping or busy: keep the last view, try again.
  }
  setTimeout(poll, 50);
}

function renderSide(v: View): void {
  el('screen-name').textContent = v.name;
  el('join-url').textContent = v.joinUrl;
  const s = v.status;
  const phase = {
    lobby: 'Lobby',
    countdown: 'Get ready…',
    playing: `Round ${s.round}`,
    ended: `Round ${s.round} over`,
  }[s.phase];
  el('screen-phase').textContent = phase;
  el('screen-timer').textContent =
    s.phase === 'playing' || s.phase === 'countdown' ? `${s.secondsLeft} s` : '';
  el<HTMLButtonElement>('start').textContent = s.phase === 'ended' ? 'Next round' : 'Start round';
  el<HTMLButtonElement>('start').disabled = s.phase === 'countdown' || s.phase === 'playing';
  el('screen-players').replaceChildren(
    ...[...s.players]
      .sort((a, b) => b.score - a.score)
      .map((p) => {
        const li = document.createElement('li');
        const dot = document.createElement('span');
        dot.className = 'dot';
        dot.style.background = COLOURS[p.slot] ?? '#fff';
        const ping = document.createElement('span');
        ping.className = 'ping';
        ping.textContent = p.connected ? (p.rttMs === undefined ? '' : `${Math.round(p.rttMs)} ms`) : 'gone';
        const score = document.createElement('span');
        score.className = 'score';
        score.textContent = String(p.score);
        li.append(dot, ` ${p.name}`, score, ping);
        return li;
      }),
  );
  const rejected = Object.entries(s.rejected).filter(([, n]) => n > 0);
  el('screen-counters').textContent = `rejected inputs: ${
    rejected.length ? rejected.map(([r, n]) => `${r} ${n}`).join(', ') : 'none'
  }`;
}

let sideAt = 0;
function frame(now: number): void {
  if (view) {
    const names = new Map(view.roster.players.map((p) => [p.slot, p.name]));
    const poses = interpolator.sample(now);
    drawArena(
      el<HTMLCanvasElement>('screen-arena'),
      view.snapshot.discs.map((d) => {
        const pose = poses.get(d.slot) ?? { x: d.x, y: d.y, dashing: d.dashTicks > 0 };
        return {
          x: pose.x,
          y: pose.y,
          colour: COLOURS[d.slot] ?? '#fff',
          name: `${names.get(d.slot) ?? '?'} ${d.score}`,
          dashing: pose.dashing,
        };
      }),
      view.coins,
      now,
    );
    if (now - sideAt > 250) {
      sideAt = now;
      renderSide(view);
    }
  }
  requestAnimationFrame(frame);
}

el('start').addEventListener('click', async () => {
  const res = await fetch(API.start, { method: 'POST' });
  const body = (await res.json()) as { started: boolean };
  el('start-note').textContent = body.started ? '' : 'No players yet: scan the code to join first.';
});
void poll();
requestAnimationFrame(frame);
