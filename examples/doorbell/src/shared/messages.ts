/**
 * The doorbell's application messages, on the DataChannel `doorbell` that the viewer opens after
 * the toolkit handed it an authenticated connection. Text frames are JSON objects with `v: 1`; a
 * ring's snapshot follows its `ring` frame as binary frames of at most `SNAPSHOT_CHUNK_BYTES`, in
 * order, until `size` bytes arrived (a reliable ordered channel keeps them in order). Decoding is
 * checking: every frame from the peer goes through `decodeDoorbellMessage`, which returns a
 * well-formed message or throws `DoorbellMessageError` (the receiver drops it and counts it).
 * Shared by the device (Node) and the viewer (browser); no platform imports.
 */

/** The channel the viewer opens on its connection to the doorbell. */
export const DOORBELL_CHANNEL = 'doorbell';
/** The message format version; a frame with another `v` is refused with `DoorbellMessageError`. */
export const DOORBELL_MESSAGE_VERSION = 1;
/** Largest binary frame of a snapshot (below every DataChannel's max-message-size). */
export const SNAPSHOT_CHUNK_BYTES = 16 * 1024;
/** Largest snapshot the viewer accepts (a 1080p JPEG is ~200–400 kB). */
export const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024;
/** Largest text frame either side accepts. */
export const MAX_TEXT_FRAME_BYTES = 16 * 1024;
/** How many past rings the device sends in `hello` (their snapshots follow, oldest first). */
export const RING_HISTORY = 10;

/** A ring as the wire carries it: `snapshot` bytes follow as binary frames when `size > 0`. */
export interface RingHeader {
  /** Unique per doorbell run (`<start time base36>-<counter>`). */
  readonly id: string;
  /** When the button was pressed, `Date.now()` on the doorbell. */
  readonly at: number;
  /** Snapshot size in bytes (0: no snapshot — the camera had none yet). */
  readonly size: number;
  /** `true` for a past ring replayed in `hello`, `false` for a ring happening now. */
  readonly past: boolean;
}

/** Device → viewer. */
export type DeviceMessage =
  | {
      readonly v: 1;
      readonly t: 'hello';
      /** The doorbell's name (its card's). */
      readonly name: string;
      /** Its current card text (`LR1:…`), so a remembering viewer keeps a fresh one. */
      readonly card: string;
      /** Past rings that follow as `ring` frames with `past: true`. */
      readonly history: number;
    }
  | ({ readonly v: 1; readonly t: 'ring' } & RingHeader)
  | { readonly v: 1; readonly t: 'viewers'; readonly count: number };

/** Viewer → device. */
export type ViewerMessage = { readonly v: 1; readonly t: 'talk'; readonly on: boolean };

/** Any doorbell message. */
export type DoorbellMessage = DeviceMessage | ViewerMessage;

/** A frame that is not a doorbell message of this version. */
export class DoorbellMessageError extends Error {
  static readonly NAME = 'DoorbellMessageError';
  override readonly name = DoorbellMessageError.NAME;
}

/** Encode a message as the text frame that carries it. */
export function encodeDoorbellMessage(message: DoorbellMessage): string {
  return JSON.stringify(message);
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown, max: number): x is number =>
  typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= max;
const isShortText = (x: unknown, max: number): x is string => typeof x === 'string' && x.length <= max;

/** Decode and check a text frame from the peer; throws `DoorbellMessageError` for anything else. */
export function decodeDoorbellMessage(text: string): DoorbellMessage {
  if (text.length > MAX_TEXT_FRAME_BYTES) throw new DoorbellMessageError('frame too large');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DoorbellMessageError('frame is not JSON');
  }
  if (!isObject(value)) throw new DoorbellMessageError('frame is not an object');
  if (value.v !== DOORBELL_MESSAGE_VERSION)
    throw new DoorbellMessageError(`unsupported message version ${JSON.stringify(value.v)}`);
  switch (value.t) {
    case 'hello':
      if (
        !isShortText(value.name, 256) ||
        !isShortText(value.card, 4096) ||
        !isCount(value.history, RING_HISTORY)
      )
        break;
      return { v: 1, t: 'hello', name: value.name, card: value.card, history: value.history };
    case 'ring':
      if (
        !isShortText(value.id, 64) ||
        !isCount(value.at, Number.MAX_SAFE_INTEGER) ||
        !isCount(value.size, MAX_SNAPSHOT_BYTES) ||
        typeof value.past !== 'boolean'
      )
        break;
      return { v: 1, t: 'ring', id: value.id, at: value.at, size: value.size, past: value.past };
    case 'viewers':
      if (!isCount(value.count, 10_000)) break;
      return { v: 1, t: 'viewers', count: value.count };
    case 'talk':
      if (typeof value.on !== 'boolean') break;
      return { v: 1, t: 'talk', on: value.on };
  }
  throw new DoorbellMessageError(`malformed "${String(value.t).slice(0, 16)}" message`);
}

/** Cut a snapshot into the binary frames that follow its `ring` frame. */
export function snapshotChunks(jpeg: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < jpeg.length; at += SNAPSHOT_CHUNK_BYTES)
    chunks.push(jpeg.subarray(at, at + SNAPSHOT_CHUNK_BYTES));
  return chunks;
}

/**
 * Reassembles snapshots on the viewer: `ring(header)` after a `ring` frame, `chunk(bytes)` for each
 * binary frame; returns the completed ring (with its JPEG, or none when `size` is 0) or undefined
 * while bytes are missing. A binary frame with no ring waiting, more bytes than announced, or a ring
 * before the previous snapshot was complete is a `DoorbellMessageError`; the broken snapshot is
 * dropped so the next ring starts clean (a ring that interrupted one is still assembled).
 */
export function createSnapshotAssembler(): {
  ring(header: RingHeader): { header: RingHeader; jpeg?: Uint8Array } | undefined;
  chunk(bytes: Uint8Array): { header: RingHeader; jpeg: Uint8Array } | undefined;
} {
  let pending: { header: RingHeader; buffer: Uint8Array; filled: number } | undefined;
  return {
    ring(header) {
      const interrupted = pending !== undefined;
      pending = header.size === 0 ? undefined : { header, buffer: new Uint8Array(header.size), filled: 0 };
      if (interrupted) throw new DoorbellMessageError('ring before the previous snapshot was complete');
      return header.size === 0 ? { header } : undefined;
    },
    chunk(bytes) {
      if (!pending) throw new DoorbellMessageError('snapshot bytes with no ring');
      if (pending.filled + bytes.length > pending.buffer.length) {
        pending = undefined;
        throw new DoorbellMessageError('more snapshot bytes than announced');
      }
      pending.buffer.set(bytes, pending.filled);
      pending.filled += bytes.length;
      if (pending.filled < pending.buffer.length) return undefined;
      const done = { header: pending.header, jpeg: pending.buffer };
      pending = undefined;
      return done;
    },
  };
}
