/**
 * ICE candidates: the `candidate-attribute` grammar of RFC 8839 §5.1 (plus RFC 6544 `tcptype`) parsed
 * into a plain object, printed back, and packed for the compact codec (docs/PROTOCOL.md).
 *
 * Regenerated rather than carried: the foundation (RFC 8445 §5.1.1.3 only needs equal foundations for
 * equal type + base + transport, so it is derived from exactly those) and, when the priority follows
 * RFC 8445 §5.1.2.1 with the usual type preference, everything but its 16-bit local preference.
 * Dropped: Chromium's `network-id` (a local interface index, meaningless to the remote side).
 */

import type { ByteReader } from '../encoding/reader.js';
import type { ByteWriter } from '../encoding/writer.js';
import { MalformedInputError, UnsupportedSdpError } from '../errors.js';
import { ADDR_NAME, addressForm, canonicalAddress, readAddress, writeAddress } from './address.js';

/** Candidate types (RFC 8445 §5.1.1). */
export type IceCandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
/** TCP candidate types (RFC 6544 §4.5). */
export type IceTcpType = 'active' | 'passive' | 'so';

/** One ICE candidate as the codec sees it (addresses in canonical text form). */
export interface CandidateSummary {
  foundation: string;
  component: number;
  transport: 'udp' | 'tcp';
  priority: number;
  address: string;
  port: number;
  type: IceCandidateType;
  relatedAddress?: string;
  relatedPort?: number;
  tcpType?: IceTcpType;
  /** `generation` extension (Chromium); 0 when absent. */
  generation: number;
  /** `network-cost` extension (Chromium: 10 Wi-Fi, 999 unknown…); it steers Chromium's pair choice. */
  networkCost?: number;
  /** The candidate carried a `ufrag` extension (equal to the description's / candidate init's ufrag). */
  ufrag?: string;
}

const TYPES: readonly IceCandidateType[] = ['host', 'srflx', 'prflx', 'relay'];
const TCP_TYPES: readonly IceTcpType[] = ['active', 'passive', 'so'];
// RFC 8445 §5.1.2.2 recommended type preferences; Chromium uses 90 for TCP host candidates.
const TYPE_PREF_UDP = [126, 100, 110, 0];
const TYPE_PREF_TCP = [90, 100, 110, 0];
/** Most candidates one description may carry. */
export const MAX_CANDIDATES = 32;

function int(text: string | undefined, max: number, what: string): number {
  if (text === undefined || !/^\d{1,16}$/.test(text)) throw new UnsupportedSdpError(`bad candidate ${what}`);
  const n = Number(text);
  if (n > max) throw new UnsupportedSdpError(`candidate ${what} out of range`);
  return n;
}

/** Parse `candidate:…` (the prefix is optional) per RFC 8839 §5.1; throws `UnsupportedSdpError`. */
export function parseCandidate(text: string): CandidateSummary {
  const t = text
    .replace(/^(a=)?candidate:/, '')
    .trim()
    .split(/ +/);
  if (t.length < 8 || t[6] !== 'typ')
    throw new UnsupportedSdpError('candidate is not "<f> <c> <t> <p> <a> <port> typ <type>"');
  const foundation = t[0] as string;
  if (!/^[A-Za-z0-9+/]{1,32}$/.test(foundation)) throw new UnsupportedSdpError('bad candidate foundation');
  const transport = (t[2] as string).toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp')
    throw new UnsupportedSdpError('candidate transport is not UDP or TCP');
  const type = t[7] as IceCandidateType;
  if (!TYPES.includes(type)) throw new UnsupportedSdpError('unknown candidate type');
  const c: CandidateSummary = {
    foundation,
    component: int(t[1], 256, 'component'),
    transport,
    priority: int(t[3], 0xffffffff, 'priority'),
    address: canonicalAddress(t[4] as string),
    port: int(t[5], 65535, 'port'),
    type,
    generation: 0,
  };
  if (c.component < 1 || c.priority < 1)
    throw new UnsupportedSdpError('candidate component/priority is zero');
  const seen = new Set<string>();
  for (let i = 8; i < t.length; i += 2) {
    const k = t[i] as string;
    const v = t[i + 1];
    if (v === undefined || seen.has(k)) throw new UnsupportedSdpError('bad candidate extension list');
    seen.add(k);
    if (k === 'raddr') c.relatedAddress = canonicalAddress(v);
    else if (k === 'rport') c.relatedPort = int(v, 65535, 'rport');
    else if (k === 'tcptype') {
      if (!TCP_TYPES.includes(v as IceTcpType)) throw new UnsupportedSdpError('unknown tcptype');
      c.tcpType = v as IceTcpType;
    } else if (k === 'generation') c.generation = int(v, 0xffffffff, 'generation');
    else if (k === 'network-cost') c.networkCost = int(v, 0xffff, 'network-cost');
    else if (k === 'ufrag') c.ufrag = v;
    else if (k !== 'network-id') throw new UnsupportedSdpError('unknown candidate extension');
  }
  if ((c.relatedAddress === undefined) !== (c.relatedPort === undefined))
    throw new UnsupportedSdpError('raddr without rport (or the reverse)');
  if ((c.transport === 'tcp') !== (c.tcpType !== undefined))
    throw new UnsupportedSdpError('tcptype must be given exactly for TCP candidates');
  return c;
}

/** FNV-1a 32 — a deterministic foundation from what RFC 8445 §5.1.1.3 says a foundation depends on. */
function foundationOf(c: Omit<CandidateSummary, 'foundation'>): string {
  const base = `${c.type}/${c.transport}/${c.relatedAddress ?? c.address}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < base.length; i++) h = Math.imul(h ^ base.charCodeAt(i), 0x01000193) >>> 0;
  return String(h);
}

/** Print a candidate as `candidate:…` (Chromium's attribute order). */
export function formatCandidate(c: CandidateSummary): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${c.relatedAddress} rport ${c.relatedPort}`;
  if (c.tcpType) s += ` tcptype ${c.tcpType}`;
  if (c.generation !== 0) s += ` generation ${c.generation}`;
  if (c.ufrag !== undefined) s += ` ufrag ${c.ufrag}`;
  if (c.networkCost !== undefined) s += ` network-cost ${c.networkCost}`;
  return s;
}

function typePref(c: { type: IceCandidateType; transport: string }): number {
  const i = TYPES.indexOf(c.type);
  return (c.transport === 'tcp' ? TYPE_PREF_TCP : TYPE_PREF_UDP)[i] as number;
}

/** RFC 8445 §5.1.2.1: priority = 2^24·type pref + 2^8·local pref + (256 − component). */
function formulaPriority(tp: number, localPref: number, component: number): number {
  return tp * 2 ** 24 + localPref * 256 + (256 - component);
}

/**
 * Candidate body (docs/PROTOCOL.md "Candidate"): head u8 [ext u8] address [port u16] priority
 * [network-cost] [component] [generation] [related address].
 */
export function writeCandidate(w: ByteWriter, c: CandidateSummary): void {
  const form = addressForm(c.address);
  const tp = typePref(c);
  const lp = (c.priority - tp * 2 ** 24 - (256 - c.component)) / 256;
  const rawPriority = !(Number.isInteger(lp) && lp >= 0 && lp <= 0xffff);
  const transport = c.transport === 'udp' ? 0 : TCP_TYPES.indexOf(c.tcpType as IceTcpType) + 1;
  const defaultRelated = c.type !== 'host';
  const hasRelated = c.relatedAddress !== undefined;
  // RFC 6544 §4.5: active TCP candidates use the discard port 9.
  const explicitPort = !(c.tcpType === 'active' && c.port === 9);
  const ext =
    transport |
    (c.component !== 1 ? 0x04 : 0) |
    (c.generation !== 0 ? 0x08 : 0) |
    (c.ufrag !== undefined ? 0x10 : 0) |
    (hasRelated !== defaultRelated ? 0x20 : 0) |
    (c.tcpType === 'active' && explicitPort ? 0x40 : 0);
  w.u8(
    TYPES.indexOf(c.type) |
      (form << 2) |
      (rawPriority ? 0x10 : 0) |
      (c.networkCost !== undefined ? 0x20 : 0) |
      (ext !== 0 ? 0x40 : 0),
  );
  if (ext !== 0) w.u8(ext);
  writeAddress(w, form, c.address);
  if (explicitPort) w.u8(c.port >> 8).u8(c.port & 0xff);
  if (rawPriority)
    w.raw(
      Uint8Array.of(
        c.priority >>> 24,
        (c.priority >> 16) & 0xff,
        (c.priority >> 8) & 0xff,
        c.priority & 0xff,
      ),
    );
  else w.u8(lp >> 8).u8(lp & 0xff);
  if (c.networkCost !== undefined) w.varuint(c.networkCost);
  if (c.component !== 1) w.varuint(c.component);
  if (c.generation !== 0) w.varuint(c.generation);
  if (hasRelated) {
    const rform = addressForm(c.relatedAddress as string);
    w.u8(rform);
    writeAddress(w, rform, c.relatedAddress as string);
    w.u8((c.relatedPort as number) >> 8).u8((c.relatedPort as number) & 0xff);
  }
}

function u16(r: ByteReader, field: string): number {
  return (r.u8(field) << 8) | r.u8(field);
}

/** Inverse of `writeCandidate`; `ufrag` is the value a set ufrag bit stands for. Rejects non-canonical bytes. */
export function readCandidate(r: ByteReader, ufrag: string | undefined): CandidateSummary {
  const head = r.u8('candidate head');
  if (head & 0x80) throw new MalformedInputError('reserved candidate head bit set');
  const ext = head & 0x40 ? r.u8('candidate ext') : 0;
  if (head & 0x40 && (ext === 0 || ext & 0x80)) throw new MalformedInputError('bad candidate ext byte');
  const type = TYPES[head & 3] as IceCandidateType;
  const transportCode = ext & 3;
  const transport = transportCode === 0 ? 'udp' : 'tcp';
  const form = (head >> 2) & 3;
  const address = readAddress(r, form, 'candidate address');
  const explicitPort = transportCode !== 1 || (ext & 0x40) !== 0;
  if (transportCode !== 1 && ext & 0x40) throw new MalformedInputError('port flag on a non-active candidate');
  const port = explicitPort ? u16(r, 'candidate port') : 9;
  if (transportCode === 1 && explicitPort && port === 9)
    throw new MalformedInputError('non-canonical port 9');
  const rawPriority = (head & 0x10) !== 0;
  const prio = rawPriority ? u16(r, 'priority') * 65536 + u16(r, 'priority') : u16(r, 'local preference');
  const c: CandidateSummary = {
    foundation: '',
    component: 1,
    transport,
    priority: 0,
    address,
    port,
    type,
    generation: 0,
  };
  if (transportCode !== 0) c.tcpType = TCP_TYPES[transportCode - 1] as IceTcpType;
  if (head & 0x20) c.networkCost = r.varuint('network-cost', 0xffff);
  if (ext & 0x04) {
    c.component = r.varuint('component', 256);
    if (c.component < 2) throw new MalformedInputError('non-canonical component');
  }
  if (ext & 0x08) {
    c.generation = r.varuint('generation', 0xffffffff);
    if (c.generation === 0) throw new MalformedInputError('non-canonical generation');
  }
  if (ext & 0x10) {
    if (ufrag === undefined) throw new MalformedInputError('candidate ufrag flag without a ufrag');
    c.ufrag = ufrag;
  }
  const hasRelated = (type !== 'host') !== ((ext & 0x20) !== 0);
  if (hasRelated) {
    const rform = r.u8('related address form');
    if (rform > ADDR_NAME) throw new MalformedInputError('bad related address form');
    c.relatedAddress = readAddress(r, rform, 'related address');
    c.relatedPort = u16(r, 'related port');
  }
  const tp = typePref(c);
  if (rawPriority) {
    const lp = (prio - tp * 2 ** 24 - (256 - c.component)) / 256;
    if (Number.isInteger(lp) && lp >= 0 && lp <= 0xffff)
      throw new MalformedInputError('non-canonical raw priority');
    if (prio === 0) throw new MalformedInputError('zero priority');
    c.priority = prio;
  } else {
    c.priority = formulaPriority(tp, prio, c.component);
  }
  c.foundation = foundationOf(c);
  return c;
}

/** Validate a candidate against what the binary form can carry (used before writing). */
export function checkCandidate(c: CandidateSummary, ufrag: string | undefined): void {
  if (c.ufrag !== undefined && c.ufrag !== ufrag)
    throw new UnsupportedSdpError('candidate ufrag differs from the description ufrag');
}
