/**
 * The game's wire messages (types only; `codec-*.ts` turn them into bytes). Players send inputs over
 * the room's reliable delivery; the host sends events reliably and snapshots unreliably.
 */
import type { PlayerInput } from './sim.js';

/** Message type bytes (the first byte of every message). */
export const MSG = {
  input: 0x01,
  roster: 0x11,
  coins: 0x13,
  score: 0x14,
  pings: 0x15,
  bye: 0x16,
  snapshot: 0x20,
} as const;

/** Most inputs in one input message (a page that fell behind sends a few at once). */
export const MAX_INPUTS_PER_MESSAGE = 8;
/** No game message is larger (the biggest, a full roster, is ~900 bytes). */
export const MAX_MESSAGE_BYTES = 2048;
/** Most bytes of an identity id in a roster entry. */
export const MAX_ID_BYTES = 64;
/** Most bytes of the host's goodbye text. */
export const MAX_BYE_BYTES = 200;

/** A player's inputs; `slot` must be the sender's own slot (the host checks). */
export interface InputMessage {
  readonly type: 'input';
  readonly slot: number;
  readonly inputs: readonly PlayerInput[];
}

/** What a player sends. */
export type ClientMessage = InputMessage;

/** Where the game is. */
export type Phase = 'lobby' | 'countdown' | 'playing' | 'ended';
/** Phases in wire order. */
export const PHASES: readonly Phase[] = ['lobby', 'countdown', 'playing', 'ended'];

/** One player as everyone sees it. */
export interface RosterEntry {
  readonly slot: number;
  /** Identity id of the player (verified by the room). */
  readonly id: string;
  readonly name: string;
  readonly connected: boolean;
  readonly score: number;
}

/** Players, phase and round: sent reliably whenever one of them changes. */
export interface RosterMessage {
  readonly type: 'roster';
  readonly phase: Phase;
  readonly round: number;
  /** Host tick when the message was sent, and the tick the current phase ends at (0: no end). */
  readonly tick: number;
  readonly phaseEndsTick: number;
  readonly players: readonly RosterEntry[];
}

/** The coins on the field (sent reliably whenever they change; rare next to snapshots). */
export interface CoinsMessage {
  readonly type: 'coins';
  readonly version: number;
  readonly coins: readonly { id: number; x: number; y: number; big: boolean }[];
}

/** A scoring event, for the page's feedback (the scores themselves ride on snapshots and rosters). */
export interface ScoreMessage {
  readonly type: 'score';
  readonly reason: 'coin' | 'steal';
  /** Who scored. */
  readonly slot: number;
  /** Who lost the point of a steal (the scorer for a coin). */
  readonly from: number;
  readonly points: number;
}

/** Round trip times the host measured, per slot (ms). */
export interface PingsMessage {
  readonly type: 'pings';
  readonly pings: readonly { slot: number; rttMs: number }[];
}

/** The host is leaving: the game is over for everyone. */
export interface ByeMessage {
  readonly type: 'bye';
  readonly text: string;
}

/** One disc in a snapshot. */
export interface SnapshotDisc {
  readonly slot: number;
  readonly x: number;
  readonly y: number;
  readonly vx: number;
  readonly vy: number;
  readonly dashTicks: number;
  readonly cooldown: number;
  readonly score: number;
  /** The last input sequence number of this player the host has applied (0: none yet). */
  readonly ack: number;
}

/** The world as of one host tick. */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly tick: number;
  /** Host clock at send, ms since the epoch (with fractions): the latency benchmark's start. */
  readonly sentAt: number;
  readonly discs: readonly SnapshotDisc[];
}

/** What the host sends. */
export type HostMessage =
  | RosterMessage
  | CoinsMessage
  | ScoreMessage
  | PingsMessage
  | ByeMessage
  | SnapshotMessage;
