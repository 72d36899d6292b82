/**
 * The same snapshot as plain JSON: not sent by the game, kept as the yardstick the benchmark compares
 * the binary encoding's bytes per second with (and the host screen's view of the round).
 */
import type { SnapshotMessage } from './messages.js';

const utf8 = new TextEncoder();

/** A snapshot as JSON bytes, the way a first version of the game would have sent it. */
export function encodeSnapshotJson(snapshot: SnapshotMessage): Uint8Array {
  return utf8.encode(JSON.stringify(snapshot));
}
