/**
 * The authority's check of every input a player sends: its slot must be the sender's own, its stick
 * vector at most full length, its sequence number the next few after the last one, and its rate what
 * one page at 60 Hz can produce (a token bucket on the host's clock: a host that falls behind, busy
 * or starved of CPU, never blames the players for its own backlog). Rejected inputs are dropped and
 * counted by reason.
 */
import { AXIS_MAX } from '../shared/constants.js';
import type { InputMessage } from '../shared/messages.js';
import type { PlayerInput } from '../shared/sim.js';

/** Why an input was refused (the keys of the host's `rejected` counters). */
export type RejectReason =
  | 'malformed'
  | 'unknown-sender'
  | 'spoofed-slot'
  | 'other-player'
  | 'speed'
  | 'replay'
  | 'seq-jump'
  | 'flood';

/** A sequence number more than this past the last one is not from a page that just lost focus. */
export const MAX_SEQ_GAP = 600;
/**
 * Inputs a page may send at once: 2 s of them. Inputs pile up wherever something stalls — the page's
 * frames, the network, or this host's own event loop (a join's handshake), whose backlog then arrives
 * in one go; a flooder gains nothing from the burst (one input per tick is applied).
 */
export const INPUT_BURST = 120;
/** Inputs per second a page may send on average: 60 Hz plus room for clocks that run a little apart. */
export const INPUT_RATE = 66;
/** Inputs held for one player; past this the oldest are dropped (the host is behind, not the player). */
export const MAX_QUEUED_INPUTS = 120;
/** Queued inputs applied one per tick; past this backlog extra ones are applied at once (catch-up). */
const MAX_BACKLOG = 4;
/** Ticks the last input is repeated when none arrived (a late packet), before the stick counts as released. */
const HOLD_TICKS = 6;

/** One player's input stream at the host. */
export interface InputQueue {
  /** The last sequence number accepted. */
  lastSeq: number;
  /** The last sequence number applied (what snapshots acknowledge). */
  ack: number;
  readonly queue: PlayerInput[];
  held: PlayerInput | undefined;
  heldTicks: number;
  /** The rate limit's bucket: tokens left, and when it was last filled (host clock, ms). */
  tokens: number;
  filledAt: number;
  /** Accepted inputs dropped unapplied because the host fell too far behind. */
  overflowed: number;
}

/** A fresh stream at host time `nowMs`. */
export function createInputQueue(nowMs: number): InputQueue {
  return {
    lastSeq: 0,
    ack: 0,
    queue: [],
    held: undefined,
    heldTicks: 0,
    tokens: INPUT_BURST,
    filledAt: nowMs,
    overflowed: 0,
  };
}

/**
 * Admit the inputs of `message` from the player at `senderSlot` into `q`; returns the reasons of the
 * inputs refused (empty: all accepted). `slotTaken(slot)` says whether anyone has the slot; `nowMs` is
 * the host's clock.
 */
export function admitInputs(
  q: InputQueue,
  message: InputMessage,
  senderSlot: number,
  slotTaken: (slot: number) => boolean,
  nowMs: number,
): RejectReason[] {
  if (message.slot !== senderSlot) return [slotTaken(message.slot) ? 'other-player' : 'spoofed-slot'];
  const rejected: RejectReason[] = [];
  q.tokens = Math.min(INPUT_BURST, q.tokens + ((nowMs - q.filledAt) * INPUT_RATE) / 1000);
  q.filledAt = nowMs;
  for (const input of message.inputs) {
    if (input.dx * input.dx + input.dy * input.dy > AXIS_MAX * AXIS_MAX) rejected.push('speed');
    else if (input.seq <= q.lastSeq) rejected.push('replay');
    else if (input.seq > q.lastSeq + MAX_SEQ_GAP && q.lastSeq !== 0) rejected.push('seq-jump');
    else if (q.tokens < 1) rejected.push('flood');
    else {
      q.tokens--;
      if (q.queue.length >= MAX_QUEUED_INPUTS) {
        q.queue.shift();
        q.overflowed++;
      }
      q.queue.push(input);
      q.lastSeq = input.seq;
    }
  }
  return rejected;
}

/** The input to apply this tick (and advance the acknowledgement). */
export function nextInput(q: InputQueue): PlayerInput | undefined {
  let input = q.queue.shift();
  // A burst after a stall: apply the newest stick, keep any dash press among the skipped ones.
  while (input && q.queue.length > MAX_BACKLOG) {
    const next = q.queue.shift();
    if (!next) break;
    input = { ...next, dash: next.dash || input.dash };
  }
  if (input) {
    q.ack = input.seq;
    q.held = input;
    q.heldTicks = 0;
    return input;
  }
  if (q.held && q.heldTicks < HOLD_TICKS) {
    q.heldTicks++;
    return { ...q.held, dash: false };
  }
  return undefined;
}
