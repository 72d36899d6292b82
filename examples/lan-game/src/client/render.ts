/** Drawing the arena on a canvas: used by the players' page and the host screen's spectator view. */
import { ARENA_H, ARENA_W, COIN_R, PLAYER_R } from '../shared/constants.js';

/** A disc to draw. */
export interface DiscToDraw {
  readonly x: number;
  readonly y: number;
  readonly colour: string;
  readonly name: string;
  readonly dashing: boolean;
  /** Ring it: this player's own disc. */
  readonly self?: boolean;
}

/** A coin to draw. */
export interface CoinToDraw {
  readonly x: number;
  readonly y: number;
  readonly big: boolean;
}

/** Size the canvas to its box (device pixels) and return the world → canvas scale. */
export function fitCanvas(canvas: HTMLCanvasElement): number {
  const ratio = globalThis.devicePixelRatio || 1;
  const box = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(box.width * ratio));
  const h = Math.max(1, Math.round(box.height * ratio));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  return Math.min(w / ARENA_W, h / ARENA_H);
}

/** Draw one frame. */
export function drawArena(
  canvas: HTMLCanvasElement,
  discs: readonly DiscToDraw[],
  coins: readonly CoinToDraw[],
  time: number,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const scale = fitCanvas(canvas);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  // Centre the 16:9 field in whatever box the canvas has.
  ctx.translate((canvas.width - ARENA_W * scale) / 2, (canvas.height - ARENA_H * scale) / 2);
  ctx.scale(scale, scale);
  ctx.fillStyle = '#151a21';
  ctx.fillRect(0, 0, ARENA_W, ARENA_H);
  ctx.strokeStyle = '#2b3440';
  ctx.lineWidth = 1;
  for (let x = 60; x < ARENA_W; x += 60) line(ctx, x, 0, x, ARENA_H);
  for (let y = 60; y < ARENA_H; y += 60) line(ctx, 0, y, ARENA_W, y);
  ctx.strokeStyle = '#4c5a6b';
  ctx.lineWidth = 4;
  ctx.strokeRect(2, 2, ARENA_W - 4, ARENA_H - 4);
  for (const c of coins) {
    const r = (c.big ? COIN_R * 1.4 : COIN_R) * (1 + 0.08 * Math.sin(time / 150 + c.x));
    ctx.fillStyle = c.big ? '#ffa94d' : '#ffe066';
    circle(ctx, c.x, c.y, r);
    ctx.fill();
    ctx.strokeStyle = '#a6781c';
    ctx.lineWidth = 2;
    ctx.stroke();
  }
  ctx.textAlign = 'center';
  ctx.font = '600 14px system-ui, sans-serif';
  for (const d of discs) {
    if (d.dashing) {
      ctx.fillStyle = `${d.colour}55`;
      circle(ctx, d.x, d.y, PLAYER_R * 1.5);
      ctx.fill();
    }
    ctx.fillStyle = d.colour;
    circle(ctx, d.x, d.y, PLAYER_R);
    ctx.fill();
    if (d.self) {
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 3;
      circle(ctx, d.x, d.y, PLAYER_R + 4);
      ctx.stroke();
    }
    ctx.fillStyle = '#e9eef4';
    // Above the disc, or below it against the top wall (above, the name would leave the canvas).
    const labelY = d.y - PLAYER_R - 8 < 14 ? d.y + PLAYER_R + 18 : d.y - PLAYER_R - 8;
    ctx.fillText(d.name, d.x, labelY);
  }
}

function line(ctx: CanvasRenderingContext2D, x1: number, y1: number, x2: number, y2: number): void {
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.stroke();
}

function circle(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
}
