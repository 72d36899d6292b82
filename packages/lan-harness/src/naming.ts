/**
 * Namespace names and address plans. Every namespace of one LAN is called `lrtc-<pid>-<rand>-<role>`:
 * the owner's pid lets a later run tell a crashed run's leftovers from a live concurrent run's, and
 * the random part keeps two LANs of one process (or a reused pid) apart.
 */
import { randomBytes } from 'node:crypto';
import { InvalidLanOptionsError } from './errors.js';

/** Prefix of every namespace the harness creates; nothing else is ever touched by cleanup. */
export const NETNS_PREFIX = 'lrtc-';

const NAME_RE = /^lrtc-(\d{1,10})-([0-9a-f]{4,16})-([a-z0-9][a-z0-9-]{0,40})$/;
const LABEL_RE = /^[a-z0-9]{1,12}$/;

/** The parts of a harness namespace name. */
export interface ParsedNetnsName {
  /** `<pid>-<rand>`, shared by all namespaces of one LAN. */
  readonly runId: string;
  /** Pid of the process that created the LAN. */
  readonly pid: number;
  /** `br` for the bridge, the host label otherwise (possibly `<lan name>-<label>`). */
  readonly role: string;
}

/** A fresh run id `<pid>-<4 hex>` for one LAN. */
export function newRunId(pid: number = process.pid): string {
  return `${pid}-${randomBytes(2).toString('hex')}`;
}

/** Parses a harness namespace name; undefined for anything else (other tools' namespaces included). */
export function parseNetnsName(name: string): ParsedNetnsName | undefined {
  const m = NAME_RE.exec(name);
  if (m === null) return undefined;
  const pid = Number(m[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  return { runId: `${m[1]}-${m[2]}`, pid, role: m[3] as string };
}

/** Checks a host label or LAN name (lower-case letters and digits, 1–12 chars). */
export function checkLabel(what: string, label: string): string {
  if (!LABEL_RE.test(label) || label === 'br') {
    throw new InvalidLanOptionsError(`${what} must match ${LABEL_RE} and not be "br"`);
  }
  return label;
}

/** Namespace name for one role of a run. */
export function netnsName(runId: string, role: string): string {
  return `${NETNS_PREFIX}${runId}-${role}`;
}

let lanCounter = 0;

/**
 * A /24 for a new LAN: 10.100.0.0–10.199.255.0, spread by pid and a per-process counter, so concurrent
 * runs rarely share one (they could not interfere anyway: each LAN is its own set of namespaces), and
 * never 10.77.0.0/24, the test runner's own namespace (scripts/netns-run.mjs).
 */
export function pickSubnet(pid: number = process.pid): [number, number, number] {
  const idx = (pid * 16 + lanCounter++) % (100 * 256);
  return [10, 100 + Math.floor(idx / 256), idx % 256];
}

/** Parses `a.b.c.0/24` (the only prefix length the harness hands out). */
export function parseSubnet(cidr: string): [number, number, number] {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(cidr);
  const parts = m === null ? [] : [Number(m[1]), Number(m[2]), Number(m[3])];
  if (parts.length !== 3 || parts.some((n) => n > 255)) {
    throw new InvalidLanOptionsError('subnet must look like 10.x.y.0/24');
  }
  const [a, b, c] = parts as [number, number, number];
  // RFC 1918 10/8 only: the LAN is offline, but its addresses must never look like a real network's.
  if (a !== 10) throw new InvalidLanOptionsError('subnet must be inside 10.0.0.0/8');
  if (b === 77 && c === 0)
    throw new InvalidLanOptionsError('10.77.0.0/24 belongs to the test runner namespace');
  return [a, b, c];
}

/** IPv4 address `<subnet>.<n>`. */
export function ipv4(subnet: readonly [number, number, number], n: number): string {
  return `${subnet[0]}.${subnet[1]}.${subnet[2]}.${n}`;
}

/**
 * ULA (RFC 4193, fd00::/8) address mirroring the IPv4 plan: 10.b.c.n ↔ fd00:0:b:c::n. The decimal
 * digits are read as hex groups, which is still a valid and readable address.
 */
export function ipv6(subnet: readonly [number, number, number], n: number): string {
  return `fd00:0:${subnet[1]}:${subnet[2]}::${n}`;
}
