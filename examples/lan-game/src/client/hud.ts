/** The page's text around the canvas: phase and timer, the player list with scores and pings, the scoreboard. */
import { COLOURS } from '../shared/constants.js';
import { places } from '../shared/places.js';
import type { GameClient } from './game-client.js';

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Update the HUD from the client's state (cheap: called a few times a second). */
export function updateHud(client: GameClient, ownRttMs: number | undefined): void {
  const left = client.secondsLeft();
  const phaseText = {
    lobby: 'Lobby — waiting for the host to start',
    countdown: `Round ${client.round} — get ready`,
    playing: `Round ${client.round}`,
    ended: `Round ${client.round} over`,
  }[client.phase];
  el('hud-phase').textContent = phaseText;
  el('hud-timer').textContent =
    client.phase === 'playing' ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` : '';
  el('banner').textContent = client.phase === 'countdown' ? String(Math.max(1, left)) : '';
  const list = el('player-list');
  const scoreOf = (p: { slot: number; score: number }) => client.scores.get(p.slot) ?? p.score;
  const rows = [...client.roster].sort((a, b) => scoreOf(b) - scoreOf(a) || a.slot - b.slot);
  list.replaceChildren(
    ...rows.map((p) => {
      const li = document.createElement('li');
      li.className = `${p.connected ? '' : 'gone'} ${p.slot === client.slot ? 'me' : ''}`.trim();
      li.dataset.slot = String(p.slot);
      const dot = document.createElement('span');
      dot.className = 'dot';
      dot.style.background = COLOURS[p.slot] ?? '#fff';
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = p.name;
      const ping = document.createElement('span');
      ping.className = 'ping';
      const rtt = p.slot === client.slot ? (ownRttMs ?? client.pings.get(p.slot)) : client.pings.get(p.slot);
      ping.textContent = !p.connected ? 'gone' : rtt === undefined ? '' : `${Math.round(rtt)} ms`;
      const score = document.createElement('span');
      score.className = 'score';
      score.textContent = String(scoreOf(p));
      li.append(dot, name, score, ping);
      return li;
    }),
  );
  const board = el('scoreboard');
  board.hidden = client.phase !== 'ended';
  if (!board.hidden) {
    el('scoreboard-title').textContent = `Round ${client.round} over`;
    const place = places(rows.map(scoreOf));
    el('scoreboard-list').replaceChildren(
      ...rows.map((p, i) => {
        const li = document.createElement('li');
        const dot = document.createElement('span');
        dot.className = 'dot';
        dot.style.background = COLOURS[p.slot] ?? '#fff';
        li.append(`${place[i]}. `, dot, ` ${p.name} — ${scoreOf(p)}`);
        return li;
      }),
    );
  }
}
