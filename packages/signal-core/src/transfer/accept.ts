/**
 * The ACCEPT payload: the receiver's flow-control window and, per file, the chunks it wants as
 * ranges — `varuint windowBytes ‖ varuint n ‖ n × (varuint r ‖ r × (varuint gap ‖ varuint length))`,
 * where each range starts `gap` chunks after the previous one ended (the first after chunk 0) and
 * `length ≥ 1`. Decoding checks the ranges against the manifest's chunk counts.
 */
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { MalformedInputError } from '../errors.js';
import { chunkCount } from './manifest.js';
import type { TransferManifest } from './manifest-types.js';

/** What the receiver asked for. */
export interface AcceptPayload {
  /** Most chunk bytes the sender may have unacknowledged at any time. */
  readonly windowBytes: number;
  /** Per file, the sorted chunk indexes wanted. */
  readonly wanted: readonly (readonly number[])[];
}

/** Encode an ACCEPT payload; each `wanted` list must be sorted ascending without repeats. */
export function encodeAccept(accept: AcceptPayload): Uint8Array {
  const w = new ByteWriter().varuint(accept.windowBytes).varuint(accept.wanted.length);
  for (const chunks of accept.wanted) {
    const ranges: [number, number][] = [];
    for (const index of chunks) {
      const last = ranges[ranges.length - 1];
      if (last && last[0] + last[1] === index) last[1] += 1;
      else ranges.push([index, 1]);
    }
    w.varuint(ranges.length);
    let end = 0;
    for (const [start, length] of ranges) {
      w.varuint(start - end).varuint(length);
      end = start + length;
    }
  }
  return w.finish();
}

/** Decode an ACCEPT payload against the manifest it answers; `MalformedInputError` when it does not fit. */
export function decodeAccept(bytes: Uint8Array, manifest: TransferManifest): AcceptPayload {
  const r = new ByteReader(bytes);
  const windowBytes = r.varuint('window');
  if (windowBytes < manifest.chunkSize) throw new MalformedInputError('window smaller than one chunk');
  const n = r.varuint('file count');
  if (n !== manifest.files.length) throw new MalformedInputError('accept does not list every offered file');
  const wanted: number[][] = [];
  for (const file of manifest.files) {
    const count = chunkCount(file.size, manifest.chunkSize);
    const rangeCount = r.varuint('range count', count);
    const chunks: number[] = [];
    let end = 0;
    for (let i = 0; i < rangeCount; i++) {
      const start = end + r.varuint('range gap', count);
      const length = r.varuint('range length', count);
      if (length === 0 || start + length > count) throw new MalformedInputError('range outside the file');
      if (i > 0 && start === end) throw new MalformedInputError('ranges not merged');
      for (let c = start; c < start + length; c++) chunks.push(c);
      end = start + length;
    }
    wanted.push(chunks);
  }
  r.end('accept');
  return { windowBytes, wanted };
}
