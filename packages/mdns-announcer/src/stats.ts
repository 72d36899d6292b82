/** Counters of dropped and rejected input, so hostile traffic is visible instead of silent. */

/** What a browser, announcer or resolver dropped, and why. */
export interface MdnsStats {
  /** Packets received and decoded. */
  packets: number;
  /** Undecodable packets, garbled records, bad TXT. */
  malformed: number;
  /** Packets whose source is not on the interface's subnet (RFC 6762 §11). */
  foreign: number;
  /** Packets dropped by the per-link rate limit. */
  flooded: number;
  /** Cards whose signature, format or hints did not verify. */
  unverified: number;
  /** Cards that verified but had expired. */
  expired: number;
  /** Cache entries dropped because the cache was full. */
  evicted: number;
}

/** All counters at zero. */
export function createStats(): MdnsStats {
  return { packets: 0, malformed: 0, foreign: 0, flooded: 0, unverified: 0, expired: 0, evicted: 0 };
}
