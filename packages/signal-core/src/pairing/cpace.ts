/**
 * CPace (draft-irtf-cfrg-cpace-21), cipher suite CPACE-RISTR255-SHA512, initiator-responder setting.
 * Only the primitives live here; the lanrtc pairing messages around them are in `pairing.ts`.
 * Group operations come from @noble/curves (RFC 9496 ristretto255, element derivation §4.3.4).
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { concatBytes, utf8 } from '../encoding/bytes.js';

/** G_Ristretto255.DSI (draft §8.3). */
const DSI = utf8('CPaceRistretto255');
/** DSI ‖ "_ISK" (draft §7.2). */
const DSI_ISK = utf8('CPaceRistretto255_ISK');
/** SHA-512 input block size, H.s_in_bytes (draft §6.2). */
const S_IN_BYTES = 128;
/** Encoded group elements and scalars are 32 bytes. */
export const CPACE_ELEMENT_BYTES = 32;
/** G.I: the encoding of the neutral element (draft §8.3). */
const NEUTRAL = new Uint8Array(32);
const GROUP_ORDER = ristretto255.Point.Fn.ORDER;

type Point = InstanceType<typeof ristretto255.Point>;

// RFC 9496 §4.3.4 element derivation (64 uniform bytes → element). noble types it as optional on
// the generic hasher interface; ristretto255_hasher always has it, checked once at load.
const derive = ristretto255_hasher.deriveToCurve;
if (!derive) throw new Error('@noble/curves ristretto255_hasher.deriveToCurve is missing');
const deriveElement: (bytes: Uint8Array) => Point = derive;

/** LEB128 length, then the bytes (draft Appendix A.1.1). */
export function prependLen(data: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = data.length;
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    len.push(byte);
  } while (n > 0);
  return concatBytes(Uint8Array.from(len), data);
}

/** Length-value concatenation (draft Appendix A.1.3). */
export function lvCat(...parts: readonly Uint8Array[]): Uint8Array {
  return concatBytes(...parts.map(prependLen));
}

/** generator_string(DSI, PRS, CI, sid, s_in_bytes) with zero padding of the first block (draft §8.1, A.2). */
export function generatorString(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Uint8Array {
  const zpad = Math.max(0, S_IN_BYTES - 1 - prependLen(prs).length - prependLen(DSI).length);
  return lvCat(DSI, prs, new Uint8Array(zpad), ci, sid);
}

/** G.calculate_generator: element_derivation(SHA-512(generator_string)) (draft §8.3). */
export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Point {
  return deriveElement(sha512(generatorString(prs, ci, sid)));
}

/** Little-endian bytes to an integer. */
function scalarFromBytes(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

/**
 * G.sample_scalar (draft §8.3): 32 random bytes with the bits above group_size_bits (252) cleared,
 * read little-endian. The result is below the group order; zero (probability 2^-252) is redrawn
 * because it would make Y the neutral element.
 */
export function sampleScalar(random: (n: number) => Uint8Array = randomBytes): Uint8Array {
  for (;;) {
    const bytes = random(32);
    bytes[31] = (bytes[31] as number) & 0x0f;
    if (scalarFromBytes(bytes) !== 0n) return bytes;
  }
}

function toScalar(y: Uint8Array): bigint {
  const n = scalarFromBytes(y);
  if (y.length !== 32 || n === 0n || n >= GROUP_ORDER) throw new RangeError('scalar out of range');
  return n;
}

/** G.scalar_mult(y, g): encode(y · g) (draft §8.3). */
export function scalarMult(y: Uint8Array, g: Point): Uint8Array {
  return g.multiply(toScalar(y)).toBytes();
}

/**
 * G.scalar_mult_vfy(y, X): G.I when X does not decode (RFC 9496 §4.3.1 rejects non-canonical and
 * negative encodings), else encode(y · decode(X)). The neutral element encodes as G.I too.
 */
export function scalarMultVfy(y: Uint8Array, x: Uint8Array): Uint8Array {
  let point: Point;
  try {
    point = ristretto255.Point.fromBytes(x);
  } catch {
    return NEUTRAL.slice();
  }
  if (point.is0()) return NEUTRAL.slice();
  return point.multiply(toScalar(y)).toBytes();
}

/** True when `k` is G.I, the abort condition of draft §7.2. */
export function isNeutral(k: Uint8Array): boolean {
  let acc = 0;
  for (const b of k) acc |= b;
  return k.length === 32 && acc === 0;
}

/** transcript_ir(Ya, ADa, Yb, ADb) = lv_cat(Ya, ADa) ‖ lv_cat(Yb, ADb) (draft §6.3, A.3.4). */
export function transcriptIr(ya: Uint8Array, ada: Uint8Array, yb: Uint8Array, adb: Uint8Array): Uint8Array {
  return concatBytes(lvCat(ya, ada), lvCat(yb, adb));
}

/** ISK = SHA-512(lv_cat(DSI ‖ "_ISK", sid, K) ‖ transcript_ir(…)) (draft §7.2). */
export function intermediateSessionKey(sid: Uint8Array, k: Uint8Array, transcript: Uint8Array): Uint8Array {
  return sha512(concatBytes(lvCat(DSI_ISK, sid, k), transcript));
}
