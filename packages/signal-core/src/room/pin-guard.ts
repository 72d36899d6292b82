/**
 * The optional room PIN: compared in constant time, failures counted per member and across the
 * room. Only a peer that already proved the room secret ever reaches the PIN, so the PIN is a
 * second factor; the limits stop that peer (or many identities it makes) from trying every PIN.
 */

import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, utf8 } from '../encoding/bytes.js';

/** Failures after which one member is refused PIN attempts for `PIN_LOCK_MS`. */
export const PIN_MEMBER_FAILURES = 5;
/** Failures across the room within `PIN_LOCK_MS` after which every PIN attempt is refused for a while. */
export const PIN_ROOM_FAILURES = 20;
/** How long a lock lasts, in ms. */
export const PIN_LOCK_MS = 60_000;

/** The PIN check of one room. */
export interface PinGuard {
  /** True when `typed` is the PIN and `member` is not locked out; counts a failure otherwise. */
  check(member: string, typed: string): boolean;
}

/** A guard for `pin`; `now` is the clock (ms). */
export function createPinGuard(pin: string, now: () => number = Date.now): PinGuard {
  // Hash both sides so the comparison's length is fixed and says nothing about the PIN's length.
  const expected = sha256(utf8(pin));
  const perMember = new Map<string, { count: number; lockedUntil: number }>();
  let roomFailures: number[] = [];
  return {
    check(member, typed) {
      const t = now();
      roomFailures = roomFailures.filter((at) => t - at < PIN_LOCK_MS);
      const mine = perMember.get(member);
      if (mine && mine.lockedUntil > t) return false;
      if (roomFailures.length >= PIN_ROOM_FAILURES) return false;
      if (equalBytes(sha256(utf8(typed)), expected)) {
        perMember.delete(member);
        return true;
      }
      roomFailures.push(t);
      const count = (mine && mine.lockedUntil <= t && mine.lockedUntil > 0 ? 0 : (mine?.count ?? 0)) + 1;
      perMember.set(member, { count, lockedUntil: count >= PIN_MEMBER_FAILURES ? t + PIN_LOCK_MS : 0 });
      // Bounded: one entry per identity that proved the room secret and failed.
      if (perMember.size > 1024) perMember.delete(perMember.keys().next().value as string);
      return false;
    },
  };
}
