/**
 * TEST-ONLY page of the rooms e2e: a Chromium member. It creates a browser agent logged into the
 * relay it was served from, hosts a room or joins the room of an invite, and records everything it sees, with
 * `Date.now()` times so the test can bound how long presence took to reach it.
 */
import {
  type BrowserAgent,
  createBrowserAgent,
  type HostRoom,
  hostRoom,
  joinRoom,
  type PlayerRoom,
  type Room,
  RoomRefusedError,
} from '../../src/index.js';

/** What the page saw, in order. */
export type PageEvent =
  | { kind: 'join'; id: string; name: string; at: number }
  | { kind: 'leave'; id: string; reason: string; at: number }
  | { kind: 'message'; from: string; delivery: string; text: string; at: number }
  | { kind: 'ended'; reason: string; message: string | undefined; at: number };

/** The page's steps, on `globalThis.roomE2e`. */
export interface RoomE2e {
  /** Host a room on this page; resolves with its invite text. */
  host(name: string): Promise<{ id: string; invite: string }>;
  /** Host only: send to every player. */
  broadcast(text: string, delivery: 'reliable' | 'unreliable'): void;
  join(
    invite: string,
    name: string,
    pin?: string,
  ): Promise<{ ok: true; id: string } | { ok: false; error: string; reason?: string }>;
  members(): { id: string; name: string; role: string }[];
  send(text: string, delivery: 'reliable' | 'unreliable'): boolean;
  leave(): Promise<void>;
  /** Reliable 16 KiB messages to the host without waiting until the layer refuses, then wait for drained. */
  flood(): Promise<{ sent: number; error: string; peak: number }>;
  rtt(): number | undefined;
  /** Presence frames this page refused, by error name. */
  rejected(): Record<string, number>;
  readonly events: PageEvent[];
}

let agent: BrowserAgent | undefined;
let room: PlayerRoom | undefined;
let hosted: HostRoom | undefined;
const events: PageEvent[] = [];
const newAgent = () => createBrowserAgent({ relay: { url: `ws://${location.host}/` }, timeoutMs: 8000 });

/** Record what `r` shows this page. */
function watch(r: Room, message: () => string | undefined): void {
  r.onJoin((m) => events.push({ kind: 'join', id: m.id, name: m.name, at: Date.now() }));
  r.onLeave((m, reason) => events.push({ kind: 'leave', id: m.id, reason, at: Date.now() }));
  r.onMessage((m) =>
    events.push({
      kind: 'message',
      from: m.from,
      delivery: m.delivery,
      text: new TextDecoder().decode(m.data),
      at: Date.now(),
    }),
  );
  void r.ended.then((reason) => events.push({ kind: 'ended', reason, message: message(), at: Date.now() }));
}

const api: RoomE2e = {
  async host(name) {
    agent ??= await newAgent();
    hosted = await hostRoom(agent, { room: 'arena', name });
    watch(hosted, () => undefined);
    return { id: agent.id, invite: hosted.inviteText };
  },
  broadcast(text, delivery) {
    hosted?.broadcast(new TextEncoder().encode(text), delivery);
  },
  async join(invite, name, pin) {
    agent ??= await newAgent();
    try {
      room = await joinRoom(agent, invite, { name, ...(pin ? { pin } : {}), timeoutMs: 12_000 });
    } catch (error) {
      return {
        ok: false,
        error: error instanceof Error ? error.name : String(error),
        ...(error instanceof RoomRefusedError ? { reason: error.reason } : {}),
      };
    }
    const r = room;
    watch(r, () => r.endMessage);
    return { ok: true, id: agent.id };
  },
  members: () => ((hosted ?? room)?.members() ?? []).map((m) => ({ id: m.id, name: m.name, role: m.role })),
  send(text, delivery) {
    if (!room) throw new Error('not in a room');
    return room.send(room.host.id, new TextEncoder().encode(text), delivery);
  },
  async leave() {
    await room?.leave();
  },
  rtt: () => (room ? room.rtt(room.host.id) : undefined),
  rejected: () => ({ ...(room?.rejected ?? {}) }),
  async flood() {
    if (!room) throw new Error('not in a room');
    const chunk = new Uint8Array(16 * 1024);
    let sent = 0;
    let error = '';
    for (let i = 0; i < 1000; i++) {
      try {
        room.send(room.host.id, chunk);
        sent++;
      } catch (e) {
        error = e instanceof Error ? e.name : String(e);
        break;
      }
    }
    await room.drained(room.host.id);
    return { sent, error, peak: sent * chunk.length };
  },
  events,
};
(globalThis as unknown as { roomE2e: RoomE2e }).roomE2e = api;
