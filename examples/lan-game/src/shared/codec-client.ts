/** Bytes of what a player sends (inputs), both ways, checked. */
import { ByteReader, ByteWriter } from './bytes.js';
import { AXIS_MAX, MAX_PLAYERS } from './constants.js';
import { MalformedMessageError, MessageTooLargeError, UnknownMessageTypeError } from './errors.js';
import {
  type ClientMessage,
  type InputMessage,
  MAX_INPUTS_PER_MESSAGE,
  MAX_MESSAGE_BYTES,
  MSG,
} from './messages.js';
import type { PlayerInput } from './sim.js';

const DASH_BIT = 0x01;

/** `[0x01][slot u8][count u8] count × [seq u32][dx i8][dy i8][buttons u8]`. */
export function encodeInput(message: Omit<InputMessage, 'type'>): Uint8Array {
  const w = new ByteWriter().u8(MSG.input).u8(message.slot).u8(message.inputs.length);
  for (const i of message.inputs)
    w.u32(i.seq)
      .i8(i.dx)
      .i8(i.dy)
      .u8(i.dash ? DASH_BIT : 0);
  return w.finish();
}

/**
 * Decode a player's message. The shape is checked here (lengths, known button bits, axes −127…127);
 * whether the player may send it (its slot, its speed, its rate) is the host's `InputGate`'s call.
 */
export function decodeClientMessage(bytes: Uint8Array): ClientMessage {
  if (bytes.length > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(`${bytes.length} bytes`);
  const r = new ByteReader(bytes);
  const type = r.u8('type');
  if (type !== MSG.input) throw new UnknownMessageTypeError(`player message type 0x${type.toString(16)}`);
  // Slots are checked against the roster by the host; the wire only bounds them.
  const slot = r.u8In('slot', 0, MAX_PLAYERS - 1);
  const count = r.u8In('input count', 1, MAX_INPUTS_PER_MESSAGE);
  const inputs: PlayerInput[] = [];
  for (let k = 0; k < count; k++) {
    const seq = r.u32('seq');
    const dx = r.i8('dx');
    const dy = r.i8('dy');
    const buttons = r.u8('buttons');
    if (dx < -AXIS_MAX || dy < -AXIS_MAX) throw new MalformedMessageError('axis below −127');
    if ((buttons & ~DASH_BIT) !== 0)
      throw new MalformedMessageError(`unknown button bits 0x${buttons.toString(16)}`);
    inputs.push({ seq, dx, dy, dash: (buttons & DASH_BIT) !== 0 });
  }
  r.end();
  return { type: 'input', slot, inputs };
}
