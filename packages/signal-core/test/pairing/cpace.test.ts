import { ristretto255 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex, utf8 } from '../../src/encoding/bytes.js';
import {
  calculateGenerator,
  generatorString,
  intermediateSessionKey,
  isNeutral,
  lvCat,
  prependLen,
  sampleScalar,
  scalarMult,
  scalarMultVfy,
  transcriptIr,
} from '../../src/pairing/cpace.js';
import vectors from '../vectors/cpace-ristretto255.json' with { type: 'json' };

const hex = (h: string): Uint8Array => {
  const b = fromHex(h);
  if (!b) throw new Error(`bad hex in vector: ${h}`);
  return b;
};
const v = vectors.ristretto255;

describe('CPace string utilities (draft-irtf-cfrg-cpace-21 Appendix A)', () => {
  it.each(vectors.prependLen)('prepend_len($input)', ({ input, output }) => {
    expect(toHex(prependLen(hex(input)))).toBe(output);
  });

  it('prepend_len of 127 and 128 bytes uses one and two LEB128 bytes (A.1.2)', () => {
    const b127 = Uint8Array.from({ length: 127 }, (_, i) => i);
    const b128 = Uint8Array.from({ length: 128 }, (_, i) => i);
    expect(toHex(prependLen(b127).slice(0, 2))).toBe('7f00');
    expect(toHex(prependLen(b128).slice(0, 3))).toBe('800100');
    expect(prependLen(b128).length).toBe(130);
  });

  it('lv_cat (A.1.4)', () => {
    expect(toHex(lvCat(...vectors.lvCat.inputs.map(hex)))).toBe(vectors.lvCat.output);
  });

  it.each(vectors.transcriptIr)('transcript_ir (A.3.5) → $output', ({ ya, ada, yb, adb, output }) => {
    expect(toHex(transcriptIr(hex(ya), hex(ada), hex(yb), hex(adb)))).toBe(output);
  });
});

describe('CPACE-RISTR255-SHA512 (draft-irtf-cfrg-cpace-21 Appendix B.3)', () => {
  const prs = hex(v.PRS);
  const ci = hex(v.CI);
  const sid = hex(v.sid);

  it('builds the generator string, its hash and the generator g (B.3.1)', () => {
    const gs = generatorString(prs, ci, sid);
    expect(toHex(gs)).toBe(v.generatorString);
    expect(toHex(sha512(gs))).toBe(v.hashResult);
    expect(toHex(calculateGenerator(prs, ci, sid).toBytes())).toBe(v.g);
  });

  it('computes Ya, Yb (B.3.2, B.3.3), K both ways (B.3.4) and ISK (B.3.5)', () => {
    const g = calculateGenerator(prs, ci, sid);
    const ya = scalarMult(hex(v.ya), g);
    const yb = scalarMult(hex(v.yb), g);
    expect(toHex(ya)).toBe(v.Ya);
    expect(toHex(yb)).toBe(v.Yb);
    const ka = scalarMultVfy(hex(v.ya), yb);
    const kb = scalarMultVfy(hex(v.yb), ya);
    expect(toHex(ka)).toBe(v.K);
    expect(toHex(kb)).toBe(v.K);
    const t = transcriptIr(ya, hex(v.ADa), yb, hex(v.ADb));
    expect(toHex(t)).toBe(v.transcriptIr);
    expect(toHex(intermediateSessionKey(sid, ka, t))).toBe(v.ISK_IR);
  });

  it('matches the parallel-mode ISK and the sid output (B.3.6, B.3.7) with the same primitives', () => {
    expect(toHex(intermediateSessionKey(sid, hex(v.K), hex(v.transcriptOc)))).toBe(v.ISK_SY);
    expect(toHex(sha512(concatBytes(utf8('CPaceSidOutput'), hex(v.transcriptIr))))).toBe(v.sidOutputIr);
  });

  it('scalar_mult_vfy with a valid point', () => {
    const s = hex(vectors.scalarMultValid.s);
    const x = hex(vectors.scalarMultValid.X);
    expect(toHex(scalarMultVfy(s, x))).toBe(vectors.scalarMultValid.result);
    expect(toHex(scalarMult(s, ristretto255.Point.fromBytes(x)))).toBe(vectors.scalarMultValid.result);
  });

  it('scalar_mult_vfy returns G.I for an invalid encoding and for the neutral element', () => {
    const s = hex(vectors.scalarMultInvalid.s);
    const i1 = scalarMultVfy(s, hex(vectors.scalarMultInvalid.Y_i1));
    const i2 = scalarMultVfy(s, hex(vectors.scalarMultInvalid.Y_i2));
    expect(isNeutral(i1)).toBe(true);
    expect(isNeutral(i2)).toBe(true);
    expect(isNeutral(scalarMultVfy(s, new Uint8Array(31)))).toBe(true);
    expect(isNeutral(hex(v.K))).toBe(false);
  });

  it('samples scalars below 2^252 and never zero', () => {
    const zeros = [new Uint8Array(32), Uint8Array.from({ length: 32 }, () => 0xff)];
    let call = 0;
    const s = sampleScalar((n) => (zeros[call++] ?? new Uint8Array(n)).slice(0, n));
    expect(call).toBe(2); // the all-zero draw was rejected
    expect(s[31]).toBe(0x0f); // top 4 bits cleared
    for (let i = 0; i < 50; i++) expect((sampleScalar()[31] as number) & 0xf0).toBe(0);
  });
});
