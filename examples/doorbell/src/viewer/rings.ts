/**
 * The rings this viewer knows, newest first: the past ones each `hello` replays and the live ones.
 * A ring seen again (the history after a reconnect) is kept once. Snapshots become object URLs,
 * revoked when their ring drops out of the list (at most `MAX_RINGS`), so memory stays bounded.
 */
import type { ReceivedRing } from './doorbell-channel.js';

/** Most rings kept (with their snapshots). */
export const MAX_RINGS = 20;

/** A ring as the viewer shows it. */
export interface Ring {
  readonly id: string;
  /** When the button was pressed (the doorbell's clock). */
  readonly at: number;
  /** When this viewer received it (`Date.now()`). */
  readonly receivedAt: number;
  readonly past: boolean;
  readonly jpegBytes: number;
  /** Object URL of the snapshot, when there is one. */
  readonly url: string | undefined;
}

/** The list, and what changes it. */
export interface RingList {
  readonly rings: readonly Ring[];
  /** Add a ring; returns it, or undefined when it was already known. */
  add(received: ReceivedRing): Ring | undefined;
  /** Drop every ring (and revoke every URL). */
  clear(): void;
}

/** An empty ring list. */
export function createRingList(): RingList {
  let rings: Ring[] = [];
  return {
    get rings() {
      return rings;
    },
    add({ header, jpeg }) {
      if (rings.some((r) => r.id === header.id)) return undefined;
      const ring: Ring = {
        id: header.id,
        at: header.at,
        receivedAt: Date.now(),
        past: header.past,
        jpegBytes: jpeg?.length ?? 0,
        url: jpeg
          ? URL.createObjectURL(new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }))
          : undefined,
      };
      const sorted = [...rings, ring].sort((a, b) => b.at - a.at);
      for (const dropped of sorted.slice(MAX_RINGS)) if (dropped.url) URL.revokeObjectURL(dropped.url);
      rings = sorted.slice(0, MAX_RINGS);
      return rings.includes(ring) ? ring : undefined;
    },
    clear() {
      for (const r of rings) if (r.url) URL.revokeObjectURL(r.url);
      rings = [];
    },
  };
}

let audio: AudioContext | undefined;

/**
 * A two-tone chime made with WebAudio (no audio file). Browsers start an AudioContext only after a
 * user gesture; until the user touched the page the chime may stay silent, the banner still shows.
 */
export function playChime(): void {
  audio ??= new AudioContext();
  void audio.resume().catch(() => {});
  const start = audio.currentTime + 0.02;
  for (const [i, frequency] of [659.25, 523.25].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    const t = start + i * 0.45;
    osc.type = 'sine';
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.35, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 1.1);
    osc.connect(gain).connect(audio.destination);
    osc.start(t);
    osc.stop(t + 1.2);
  }
}

/** Wake the chime's AudioContext inside a user gesture, so a later ring can be heard. */
export function unlockChime(): void {
  audio ??= new AudioContext();
  void audio.resume().catch(() => {});
}
