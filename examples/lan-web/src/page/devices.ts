/**
 * The devices this page remembers: id, name and card text, in localStorage. Only public data: the
 * pairing itself (this browser's identity and trust) is the agent's, in IndexedDB. Read back through
 * a checking decoder: storage is input like any other.
 */

/** A remembered device. */
export interface RememberedDevice {
  readonly id: string;
  readonly name: string;
  /** Its card text (`LR1:…`). */
  readonly card: string;
  /** `Date.now()` of the last connection. */
  readonly lastSeen: number;
}

const KEY = 'lan-web/devices/v1';
const MAX_DEVICES = 16;

const valid = (x: unknown): x is RememberedDevice => {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Record<string, unknown>;
  return (
    typeof d.id === 'string' &&
    /^[A-Za-z0-9_-]{1,128}$/.test(d.id) &&
    typeof d.name === 'string' &&
    typeof d.card === 'string' &&
    d.card.length <= 4096 &&
    typeof d.lastSeen === 'number'
  );
};

/** Every remembered device, most recently seen first (an unreadable store reads as empty). */
export function listDevices(): RememberedDevice[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(valid).sort((a, b) => b.lastSeen - a.lastSeen) : [];
  } catch {
    return [];
  }
}

/** Add or update a device (by id). */
export function rememberDevice(device: RememberedDevice): void {
  const rest = listDevices().filter((d) => d.id !== device.id);
  localStorage.setItem(KEY, JSON.stringify([device, ...rest].slice(0, MAX_DEVICES)));
}
