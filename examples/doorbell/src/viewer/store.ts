/**
 * The doorbells this viewer remembers (secure-origin mode): id, name, the newest card text and when
 * it was last seen, in localStorage. Only public data: the pairing itself (keys, trust) is the
 * agent's, in IndexedDB. Read back through a checking decoder: storage is input like any other.
 */

/** A remembered doorbell. */
export interface RememberedDoorbell {
  readonly id: string;
  readonly name: string;
  /** Its card text (`LR1:…`), refreshed from every `hello`. */
  readonly card: string;
  /** `Date.now()` of the last live connection. */
  readonly lastSeen: number;
}

const KEY = 'doorbell-viewer/doorbells/v1';
const MAX_DOORBELLS = 16;

const valid = (x: unknown): x is RememberedDoorbell => {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Record<string, unknown>;
  return (
    typeof d.id === 'string' &&
    typeof d.name === 'string' &&
    typeof d.card === 'string' &&
    d.card.length <= 4096 &&
    typeof d.lastSeen === 'number'
  );
};

/** Every remembered doorbell, most recently seen first (an unreadable store reads as empty). */
export function listDoorbells(): RememberedDoorbell[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(valid).sort((a, b) => b.lastSeen - a.lastSeen) : [];
  } catch {
    return [];
  }
}

/** Add or update a doorbell (by id). */
export function rememberDoorbell(doorbell: RememberedDoorbell): void {
  const rest = listDoorbells().filter((d) => d.id !== doorbell.id);
  localStorage.setItem(KEY, JSON.stringify([doorbell, ...rest].slice(0, MAX_DOORBELLS)));
}

/** Forget a doorbell. */
export function forgetDoorbell(id: string): void {
  localStorage.setItem(KEY, JSON.stringify(listDoorbells().filter((d) => d.id !== id)));
}
