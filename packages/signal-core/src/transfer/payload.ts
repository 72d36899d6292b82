/**
 * OFFER and ACCEPT payloads can be larger than one lane frame (a manifest of many files), so they
 * travel as in-order pieces, each `varuint total ‖ varuint offset ‖ piece`. The assembler refuses a
 * piece that changes the total, skips ahead or goes back, and never holds more than `total` bytes.
 */
import { MalformedInputError } from '../errors.js';
import { MAX_PAYLOAD_BYTES } from './limits.js';

/** Header room a payload piece needs besides its bytes: version, type and two varuints. */
const PIECE_HEADER_BYTES = 2 + 2 * 8;

/** Split `payload` into pieces that fit frames of `maxFrameBytes`. */
export function splitPayload(
  payload: Uint8Array,
  maxFrameBytes: number,
): { readonly total: number; readonly offset: number; readonly piece: Uint8Array }[] {
  const size = Math.max(1, maxFrameBytes - PIECE_HEADER_BYTES);
  const pieces = [];
  let offset = 0;
  do {
    const piece = payload.subarray(offset, offset + size);
    pieces.push({ total: payload.length, offset, piece });
    offset += piece.length;
  } while (offset < payload.length);
  return pieces;
}

/** Reassembles one payload from its pieces. */
export interface PayloadAssembler {
  /** Add a piece; returns the whole payload once the last piece arrived, else `undefined`. */
  add(piece: {
    readonly total: number;
    readonly offset: number;
    readonly piece: Uint8Array;
  }): Uint8Array | undefined;
}

/** A fresh assembler for payloads of at most `maxBytes`. */
export function createPayloadAssembler(maxBytes: number = MAX_PAYLOAD_BYTES): PayloadAssembler {
  let buffer: Uint8Array | undefined;
  let filled = 0;
  return {
    add({ total, offset, piece }) {
      if (total > maxBytes) throw new MalformedInputError(`payload of ${total} bytes is over the limit`);
      if (buffer === undefined) {
        if (offset !== 0) throw new MalformedInputError('payload does not start at offset 0');
        // Allocated once, at the size the limit already bounded.
        buffer = new Uint8Array(total);
      } else if (total !== buffer.length)
        throw new MalformedInputError('payload length changed between pieces');
      if (offset !== filled) throw new MalformedInputError('payload piece out of order');
      if (piece.length === 0 && total !== 0) throw new MalformedInputError('empty payload piece');
      if (offset + piece.length > total) throw new MalformedInputError('payload piece past its length');
      buffer.set(piece, offset);
      filled += piece.length;
      return filled === total ? buffer : undefined;
    },
  };
}
