/**
 * Small helpers over dns-packet's decoded objects: questions with their QU bit, record identity
 * (name, type, rdata) for caches, known-answer suppression and the probe tiebreak.
 */
import dnsPacket, { type Answer, type OptAnswer, type Question, type RecordType } from 'dns-packet';

declare module 'dns-packet' {
  interface Question {
    /**
     * RFC 6762 §5.4 unicast-response bit, the top bit of the question class: set when decoding a QU
     * question, and encoded when true. Added by patches/dns-packet@5.6.1.patch (docs/dns-packet-patches.md).
     */
    qu?: boolean | undefined;
  }
}

/** A resource record (dns-packet's `Answer` minus the EDNS pseudo-record, which has no TTL or class). */
export type Rr = Exclude<Answer, OptAnswer>;

/** Question type ANY (255): dns-packet encodes it, @types/dns-packet's `RecordType` omits it. */
export const ANY = 'ANY' as RecordType;

/** A type string that came out of dns-packet's own decoder, typed for re-encoding. */
export function asRecordType(type: string): RecordType {
  return type as RecordType;
}

/** A question with the RFC 6762 §5.4 unicast-response bit separated from the class. */
export interface MdnsQuestion {
  readonly name: string;
  readonly type: string;
  /** QU: the querier asked for a unicast reply. */
  readonly qu: boolean;
}

/** Normalise a decoded question, or undefined when it is not for class IN/ANY. */
export function normalizeQuestion(q: Question): MdnsQuestion | undefined {
  if (typeof q.name !== 'string' || typeof q.type !== 'string') return undefined;
  const cls = q.class ?? 'IN';
  if (cls !== 'IN' && cls !== 'ANY') return undefined;
  return { name: q.name, type: q.type, qu: q.qu === true };
}

// dns-packet exports per-type rdata encoders as `record(type)`; @types/dns-packet omits it.
const recordCodec = (dnsPacket as unknown as { record(type: string): { encode(data: unknown): Buffer } })
  .record;

/** Uncompressed rdata bytes of a record (without dns-packet's 2-byte length prefix). */
export function rdata(answer: Answer): Buffer {
  const data = 'data' in answer ? answer.data : undefined;
  return recordCodec(answer.type).encode(data).subarray(2);
}

/** Identity of a record for caches and known-answer checks: lower-case name, type and rdata. */
export function recordKey(answer: Answer): string {
  return `${answer.name.toLowerCase()}|${answer.type}|${rdata(answer).toString('hex')}`;
}

/** True when the answer is a class-IN resource record (flush bit already removed by dns-packet). */
export function isInternetRecord(answer: Answer): answer is Rr {
  return (
    answer.type !== 'OPT' &&
    typeof answer.name === 'string' &&
    (answer.class === undefined || answer.class === 'IN')
  );
}

/**
 * True when a decoded record's data is usable: a PTR target, an SRV with a port, TXT strings. (Cut-off
 * or wrongly sized A/AAAA data makes the patched dns-packet throw, so those never get here.)
 */
export function isWellFormed(r: Rr): boolean {
  switch (r.type) {
    case 'PTR':
      return typeof r.data === 'string' && r.data.length > 0;
    case 'SRV':
      return typeof r.data?.target === 'string' && Number.isInteger(r.data.port) && r.data.port > 0;
    case 'TXT':
      return Array.isArray(r.data) && r.data.every((s) => s instanceof Uint8Array);
    default:
      return true;
  }
}

const TYPE_CODES: Record<string, number> = { A: 1, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, NSEC: 47 };

/**
 * RFC 6762 §8.2 simultaneous-probe tiebreak: compare two record sets for one name, each sorted by
 * (class, type, rdata); returns < 0 when `ours` is lexicographically earlier (we lose).
 */
export function compareRecordSets(ours: readonly Rr[], theirs: readonly Rr[]): number {
  const sort = (rs: readonly Rr[]) =>
    rs
      .map((r) => ({ type: TYPE_CODES[r.type] ?? 0, data: rdata(r) }))
      .sort((a, b) => a.type - b.type || Buffer.compare(a.data, b.data));
  const a = sort(ours);
  const b = sort(theirs);
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) break;
    const c = x.type - y.type || Buffer.compare(x.data, y.data);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
