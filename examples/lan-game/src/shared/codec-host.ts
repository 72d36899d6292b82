/**
 * Bytes of what the host sends, both ways, checked. Snapshots are the hot path: 14 bytes of header and
 * 17 per disc, positions and velocities as the integers of the simulation's grid (`quantize.ts`).
 */
import { ByteReader, ByteWriter } from './bytes.js';
import {
  ARENA_H,
  ARENA_W,
  DASH_COOLDOWN_TICKS,
  DASH_TICKS,
  HARD_MAX_SPEED,
  MAX_NAME_BYTES,
  MAX_PLAYERS,
} from './constants.js';
import { MalformedMessageError, MessageTooLargeError, UnknownMessageTypeError } from './errors.js';
import {
  type HostMessage,
  MAX_BYE_BYTES,
  MAX_ID_BYTES,
  MAX_MESSAGE_BYTES,
  MSG,
  PHASES,
  type RosterEntry,
  type SnapshotDisc,
} from './messages.js';
import { POS_SCALE, VEL_SCALE } from './quantize.js';

const MAX_COINS = 64;
const MAX_VEL = Math.ceil(HARD_MAX_SPEED * VEL_SCALE);

/** Encode any host message. */
export function encodeHostMessage(m: HostMessage): Uint8Array {
  const w = new ByteWriter();
  switch (m.type) {
    case 'roster':
      w.u8(MSG.roster).u8(PHASES.indexOf(m.phase)).u16(m.round).u32(m.tick).u32(m.phaseEndsTick);
      w.u8(m.players.length);
      for (const p of m.players)
        w.u8(p.slot)
          .u8(p.connected ? 1 : 0)
          .u16(p.score)
          .text(p.id, MAX_ID_BYTES)
          .text(p.name, MAX_NAME_BYTES);
      break;
    case 'coins':
      w.u8(MSG.coins)
        .u16(m.version & 0xffff)
        .u8(m.coins.length);
      for (const c of m.coins)
        w.u16(c.id)
          .u16(Math.round(c.x * POS_SCALE))
          .u16(Math.round(c.y * POS_SCALE))
          .u8(c.big ? 1 : 0);
      break;
    case 'score':
      w.u8(MSG.score)
        .u8(m.reason === 'coin' ? 0 : 1)
        .u8(m.slot)
        .u8(m.from)
        .u8(m.points);
      break;
    case 'pings':
      w.u8(MSG.pings).u8(m.pings.length);
      for (const p of m.pings) w.u8(p.slot).u16(Math.min(0xffff, Math.max(0, Math.round(p.rttMs))));
      break;
    case 'bye':
      w.u8(MSG.bye).text(m.text, MAX_BYE_BYTES);
      break;
    case 'snapshot':
      w.u8(MSG.snapshot).u32(m.tick).f64(m.sentAt).u8(m.discs.length);
      for (const d of m.discs)
        w.u8(d.slot)
          .u16(Math.round(d.x * POS_SCALE))
          .u16(Math.round(d.y * POS_SCALE))
          .i16(Math.round(d.vx * VEL_SCALE))
          .i16(Math.round(d.vy * VEL_SCALE))
          .u8(d.dashTicks)
          .u8(d.cooldown)
          .u16(d.score)
          .u32(d.ack);
      break;
  }
  return w.finish();
}

/** Decode a host message: a validated value, or `MalformedMessageError` / `UnknownMessageTypeError` / `MessageTooLargeError`. */
export function decodeHostMessage(bytes: Uint8Array): HostMessage {
  if (bytes.length > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(`${bytes.length} bytes`);
  const r = new ByteReader(bytes);
  const type = r.u8('type');
  let m: HostMessage;
  switch (type) {
    case MSG.roster: {
      const phase = PHASES[r.u8In('phase', 0, PHASES.length - 1)] ?? 'lobby';
      const round = r.u16('round');
      const tick = r.u32('tick');
      const phaseEndsTick = r.u32('phase end');
      const players: RosterEntry[] = [];
      const n = r.u8In('player count', 0, MAX_PLAYERS);
      for (let k = 0; k < n; k++) {
        const slot = slotOf(r, players);
        const flags = r.u8In('flags', 0, 1);
        const score = r.u16('score');
        const id = r.text('id', 1, MAX_ID_BYTES);
        const name = r.text('name', 1, MAX_NAME_BYTES);
        players.push({ slot, id, name, connected: flags === 1, score });
      }
      m = { type: 'roster', phase, round, tick, phaseEndsTick, players };
      break;
    }
    case MSG.coins: {
      const version = r.u16('version');
      const n = r.u8In('coin count', 0, MAX_COINS);
      const coins = [];
      for (let k = 0; k < n; k++) {
        const id = r.u16('coin id');
        const x = r.u16In('coin x', 0, ARENA_W * POS_SCALE) / POS_SCALE;
        const y = r.u16In('coin y', 0, ARENA_H * POS_SCALE) / POS_SCALE;
        const big = r.u8In('coin size', 0, 1) === 1;
        coins.push({ id, x, y, big });
      }
      m = { type: 'coins', version, coins };
      break;
    }
    case MSG.score: {
      const reason = r.u8In('reason', 0, 1) === 0 ? 'coin' : 'steal';
      const slot = r.u8In('slot', 0, MAX_PLAYERS - 1);
      const from = r.u8In('from', 0, MAX_PLAYERS - 1);
      const points = r.u8In('points', 1, 10);
      m = { type: 'score', reason, slot, from, points };
      break;
    }
    case MSG.pings: {
      const n = r.u8In('ping count', 0, MAX_PLAYERS);
      const pings = [];
      for (let k = 0; k < n; k++)
        pings.push({ slot: r.u8In('slot', 0, MAX_PLAYERS - 1), rttMs: r.u16('rtt') });
      m = { type: 'pings', pings };
      break;
    }
    case MSG.bye:
      m = { type: 'bye', text: r.text('text', 0, MAX_BYE_BYTES) };
      break;
    case MSG.snapshot: {
      const tick = r.u32('tick');
      const sentAt = r.f64('sent at');
      const n = r.u8In('disc count', 0, MAX_PLAYERS);
      const discs: SnapshotDisc[] = [];
      for (let k = 0; k < n; k++) {
        const slot = slotOf(r, discs);
        const x = r.u16In('x', 0, ARENA_W * POS_SCALE) / POS_SCALE;
        const y = r.u16In('y', 0, ARENA_H * POS_SCALE) / POS_SCALE;
        const vx = velocity(r, 'vx');
        const vy = velocity(r, 'vy');
        const dashTicks = r.u8In('dash ticks', 0, DASH_TICKS);
        const cooldown = r.u8In('cooldown', 0, DASH_COOLDOWN_TICKS);
        const score = r.u16('score');
        const ack = r.u32('ack');
        discs.push({ slot, x, y, vx, vy, dashTicks, cooldown, score, ack });
      }
      m = { type: 'snapshot', tick, sentAt, discs };
      break;
    }
    default:
      throw new UnknownMessageTypeError(`host message type 0x${type.toString(16)}`);
  }
  r.end();
  return m;
}

function slotOf(r: ByteReader, seen: readonly { slot: number }[]): number {
  const slot = r.u8In('slot', 0, MAX_PLAYERS - 1);
  if (seen.some((s) => s.slot === slot)) throw new MalformedMessageError(`slot ${slot} twice`);
  return slot;
}

function velocity(r: ByteReader, what: string): number {
  const v = r.i16(what);
  if (Math.abs(v) > MAX_VEL) throw new MalformedMessageError(`${what} beyond the hard speed limit`);
  return v / VEL_SCALE;
}
