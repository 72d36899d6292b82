/**
 * The record set one announcer publishes on one link (RFC 6763 §4–§7, §9, §12) and the rules for
 * choosing answers and additional records for a question (RFC 6762 §6, RFC 6763 §12).
 */
import { instanceFqdn, SERVICE_TYPE, SERVICES_ENUMERATION, sameName, subtypeName } from './names.js';
import type { MdnsQuestion } from './wire.js';
import { type Rr, recordKey } from './wire.js';

/** TTLs in seconds; RFC 6762 §10 recommends 120 for host-related records and 4500 for the others. */
export interface RecordTtls {
  /** SRV, A, AAAA. */
  readonly host: number;
  /** PTR, TXT. */
  readonly service: number;
}

/** RFC 6762 §10 defaults. */
export const DEFAULT_TTLS: RecordTtls = { host: 120, service: 4500 };

/** A record we own; `unique` records carry the cache-flush bit (RFC 6762 §10.2). */
export interface OwnRecord {
  readonly answer: Rr;
  readonly unique: boolean;
  readonly key: string;
}

/** What the record set is built from. */
export interface RecordSetInit {
  readonly instance: string;
  readonly host: string;
  readonly port: number;
  readonly txt: readonly Buffer[];
  readonly deviceTypes: readonly string[];
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  readonly ttl: RecordTtls;
}

function own(answer: Rr, unique: boolean): OwnRecord {
  return { answer: unique ? { ...answer, flush: true } : answer, unique, key: recordKey(answer) };
}

/** Build PTR (type, subtypes, enumeration), SRV, TXT, A and AAAA for one link. */
export function buildRecords(init: RecordSetInit): OwnRecord[] {
  const fqdn = instanceFqdn(init.instance);
  const hostFqdn = `${init.host}.local`;
  const { host: hostTtl, service: serviceTtl } = init.ttl;
  const records: OwnRecord[] = [
    own({ name: SERVICE_TYPE, type: 'PTR', ttl: serviceTtl, data: fqdn }, false),
    own({ name: SERVICES_ENUMERATION, type: 'PTR', ttl: serviceTtl, data: SERVICE_TYPE }, false),
    ...init.deviceTypes.map((t) =>
      own({ name: subtypeName(t), type: 'PTR', ttl: serviceTtl, data: fqdn }, false),
    ),
    own(
      {
        name: fqdn,
        type: 'SRV',
        ttl: hostTtl,
        data: { target: hostFqdn, port: init.port, priority: 0, weight: 0 },
      },
      true,
    ),
    own({ name: fqdn, type: 'TXT', ttl: serviceTtl, data: [...init.txt] }, true),
    ...init.ipv4.map((a) => own({ name: hostFqdn, type: 'A', ttl: hostTtl, data: a }, true)),
    ...init.ipv6.map((a) => own({ name: hostFqdn, type: 'AAAA', ttl: hostTtl, data: a }, true)),
  ];
  return records;
}

/** True when `record` answers `question` (RFC 6762 §6: name and type match, or type ANY). */
export function answers(record: OwnRecord, question: MdnsQuestion): boolean {
  return (
    sameName(record.answer.name, question.name) &&
    (question.type === 'ANY' || question.type === record.answer.type)
  );
}

/**
 * Additional records worth sending with `chosen` (RFC 6763 §12): SRV, TXT and addresses for a PTR,
 * addresses for an SRV. Excludes records already chosen.
 */
export function additionalsFor(chosen: readonly OwnRecord[], all: readonly OwnRecord[]): OwnRecord[] {
  const picked = new Set(chosen.map((r) => r.key));
  const names = new Set<string>();
  for (const r of chosen) {
    const a = r.answer;
    if (a.type === 'PTR' && typeof a.data === 'string') names.add(a.data.toLowerCase());
    if (a.type === 'SRV') names.add(a.data.target.toLowerCase());
  }
  // SRV targets of the PTR targets, one level further.
  for (const r of all) {
    if (r.answer.type === 'SRV' && names.has(r.answer.name.toLowerCase())) {
      names.add(r.answer.data.target.toLowerCase());
    }
  }
  return all.filter(
    (r) =>
      !picked.has(r.key) &&
      names.has(r.answer.name.toLowerCase()) &&
      ['SRV', 'TXT', 'A', 'AAAA'].includes(r.answer.type),
  );
}

/** The same records with a different TTL and no cache-flush bit (goodbye §10.1, legacy unicast §6.7). */
export function withTtl(records: readonly OwnRecord[], ttl: (r: OwnRecord) => number, flush: boolean): Rr[] {
  return records.map((r) => ({ ...r.answer, ttl: ttl(r), flush: flush && r.unique }) as Rr);
}
