/**
 * The host's side of a room: admission (grant, room secret, PIN, approval), the signed roster sent
 * on every change, messaging to players, kick and close. Platform-free: node-agent and
 * browser-client call `createHostRoom` with their channel adapter (`RoomPlatform`).
 * One file, longer than most: admission, the member table, the roster counter and closing all read
 * and write the same room state (who is present, who was kicked, whether the room ended).
 */
import type { Connection } from '../agent/connection.js';
import type { LanAgent } from '../agent/types.js';
import { equalBytes } from '../encoding/bytes.js';
import {
  InvalidArgumentError,
  type LanrtcError,
  RoomBufferFullError,
  RoomMemberUnknownError,
} from '../errors.js';
import { createListeners } from '../events.js';
import { generatePairingSecret } from '../pairing/pin.js';
import type { SessionPeer } from '../session/peer.js';
import { hasGrant, revokeGrant, setGrant } from '../trust/peers.js';
import type { RoomPlatform } from './channel.js';
import { type RoomCandidate, refuseCandidate, registerHostedRoom } from './dispatcher.js';
import { encodeRoomInvite, type RoomInvite } from './invite.js';
import { assertRoomMessageSize, DEFAULT_ROOM_TIMING, type RoomLink, type RoomTiming } from './link.js';
import {
  assertDisplayName,
  assertRoomName,
  DEFAULT_MAX_MEMBERS,
  isDisplayName,
  MAX_MEMBERS_LIMIT,
  ROOM_JOIN_ACTION,
  ROOM_SECRET_BYTES,
  roomScope,
} from './names.js';
import { createPinGuard } from './pin-guard.js';
import {
  type RosterDeparture,
  type RosterEntry,
  roomSecretProof,
  sealRoster,
  signRoomName,
  verifyRoomName,
} from './roster.js';
import type { HostRoom, HostRoomInit, RoomDelivery, RoomMember, RoomMessage } from './types.js';

/** Test and tuning hooks of the platform-free host (the public `hostRoom` passes none). */
export interface RoomCoreOptions {
  readonly timing?: RoomTiming;
  readonly now?: () => number;
}

interface Present<P extends SessionPeer> {
  readonly member: RoomMember;
  readonly entry: RosterEntry;
  readonly link: RoomLink;
  readonly connection: Connection<P>;
}

/** Start hosting `init.room` on `agent` (the agent must be reachable: a relay for `joinRoom`). */
export async function createHostRoom<P extends SessionPeer>(
  agent: LanAgent<P>,
  init: HostRoomInit,
  platform: RoomPlatform<P>,
  options: RoomCoreOptions = {},
): Promise<HostRoom> {
  assertRoomName(init.room);
  assertDisplayName(init.name);
  const maxMembers = init.maxMembers ?? DEFAULT_MAX_MEMBERS;
  if (!Number.isInteger(maxMembers) || maxMembers < 1 || maxMembers > MAX_MEMBERS_LIMIT)
    throw new InvalidArgumentError(`maxMembers must be 1..${MAX_MEMBERS_LIMIT}`);
  if (init.pin !== undefined && (typeof init.pin !== 'string' || init.pin.length < 1 || init.pin.length > 32))
    throw new InvalidArgumentError('room PIN must be 1–32 characters');
  const secret = init.secret?.slice() ?? generatePairingSecret();
  if (secret.length !== ROOM_SECRET_BYTES)
    throw new InvalidArgumentError(`room secret must be ${ROOM_SECRET_BYTES} bytes`);
  const now = options.now ?? Date.now;
  const timing = options.timing ?? DEFAULT_ROOM_TIMING;
  const room = init.room;
  const scope = roomScope(room);
  const sign = (domain: string, message: Uint8Array) => agent.signRoomMessage(domain, message);

  const selfEntry: RosterEntry = {
    publicKey: agent.identity.publicKey,
    name: init.name,
    role: 'host',
    joinedAt: now(),
    nameSignature: signRoomName(sign, room, agent.id, init.name),
  };
  const self: RoomMember = { id: agent.id, name: init.name, role: 'host', joinedAt: selfEntry.joinedAt };
  const present = new Map<string, Present<P>>();
  const kicked = new Set<string>();
  const pins = init.pin !== undefined ? createPinGuard(init.pin, now) : undefined;
  const joins = createListeners<RoomMember>();
  const leaves = createListeners<{ member: RoomMember; reason: string }>();
  const messages = createListeners<RoomMessage>();
  const refused: Record<string, number> = {};
  const rejected: Record<string, number> = {};
  let admitted = 0;
  let version = 0;
  let departed: RosterDeparture[] = [];
  let droppedGone = 0;
  let ended = false;
  let resolveEnded: (reason: string) => void = () => {};
  const endedPromise = new Promise<string>((resolve) => {
    resolveEnded = resolve;
  });

  const sendRoster = () => {
    version++;
    const body = sealRoster(sign, {
      room,
      version,
      members: [selfEntry, ...[...present.values()].map((p) => p.entry)],
      departed,
    });
    departed = [];
    for (const p of present.values()) p.link.sendControl({ type: 'roster', body });
  };

  const remove = (id: string, reason: string, flush = false) => {
    const p = present.get(id);
    if (!p) return;
    present.delete(id);
    droppedGone += p.link.dropped;
    const close = () => {
      p.link.close();
      void p.connection.close();
    };
    if (flush) void p.link.flushed(500).then(close);
    else close();
    departed.push({ id, reason });
    if (!ended) sendRoster();
    leaves.emit({ member: p.member, reason });
  };

  const refuse = (candidate: RoomCandidate<P>, reason: string) => {
    refused[reason] = (refused[reason] ?? 0) + 1;
    void refuseCandidate(candidate.link, candidate.connection, reason);
  };

  const admit = async (candidate: RoomCandidate<P>) => {
    const { connection, link, join } = candidate;
    const id = connection.remote.id;
    // Until decided, the link's frames and end are this candidate's; nothing else is expected.
    let gone = false;
    candidate.adopt({
      onFrame: () => {},
      onRejected: (e) => count(e),
      onEnd: () => {
        gone = true;
      },
    });
    if (ended) return refuse(candidate, 'wrong-room');
    if (
      !isDisplayName(join.name) ||
      !verifyRoomName(connection.remote.publicKey, room, agent.id, join.name, join.nameSignature)
    )
      return refuse(candidate, 'not-admitted');
    if (kicked.has(id)) return refuse(candidate, 'kicked');
    const known = await agent.trust.get(id);
    const granted = known !== undefined && hasGrant(known, scope, ROOM_JOIN_ACTION);
    const proven =
      join.proof.length > 0 && equalBytes(join.proof, roomSecretProof(secret, room, agent.id, id));
    if (!granted && !proven) return refuse(candidate, 'not-admitted');
    const full = () => !present.has(id) && present.size >= maxMembers;
    if (full()) return refuse(candidate, 'room-full');
    if (!granted) {
      if (pins && !pins.check(id, join.pin)) return refuse(candidate, 'wrong-pin');
      if (init.approve) {
        let ok = false;
        try {
          ok = (await init.approve({ id, name: join.name })) === true;
        } catch {
          ok = false;
        }
        if (!ok) return refuse(candidate, 'declined');
      }
    }
    if (ended) return refuse(candidate, 'wrong-room');
    if (gone || link.closed) return;
    if (full()) return refuse(candidate, 'room-full');
    try {
      await setGrant(agent.trust, id, { scope, actions: [ROOM_JOIN_ACTION] });
    } catch {
      // A peer the store does not hold (an in-band path that keeps no record): admitted for this room's life only.
    }
    if (ended || gone || link.closed) return;
    // The same identity again (a reloaded page): the new link replaces the old one. Checked after the
    // last await, so two joins of one identity at once cannot both stay.
    if (present.has(id)) remove(id, 'rejoined');
    const member: RoomMember = { id, name: join.name, role: 'player', joinedAt: now() };
    const entry: RosterEntry = {
      publicKey: connection.remote.publicKey,
      name: join.name,
      role: 'player',
      joinedAt: member.joinedAt,
      nameSignature: join.nameSignature,
    };
    const p: Present<P> = { member, entry, link, connection };
    present.set(id, p);
    candidate.adopt({
      onFrame: (frame, delivery) => {
        if (present.get(id) !== p) return;
        if (frame.type === 'data') return messages.emit({ from: id, delivery, data: frame.data });
        if (frame.type === 'leave') return remove(id, 'left');
        count({ name: 'UnexpectedFrame' });
      },
      onRejected: (e) => count(e),
      onEnd: (reason) => {
        if (present.get(id) === p) remove(id, reason);
      },
    });
    void connection.ended.then(() => {
      if (present.get(id) === p) remove(id, 'disconnected');
    });
    admitted++;
    link.startHeartbeat();
    sendRoster();
    joins.emit(member);
  };
  const count = (e: Pick<LanrtcError, 'name'>) => {
    rejected[e.name] = (rejected[e.name] ?? 0) + 1;
  };

  const unregister = registerHostedRoom(
    agent,
    platform,
    room,
    {
      admit: (candidate) => void admit(candidate),
      countRefusal: (reason) => {
        refused[reason] = (refused[reason] ?? 0) + 1;
      },
    },
    timing,
  );
  const secretDisplay = agent.acceptSecret(secret);
  const invite: RoomInvite = { room, host: agent.id, secret };

  const linkTo = (to: string): RoomLink => {
    const p = present.get(to);
    if (!p) throw new RoomMemberUnknownError('no such player in the room');
    return p.link;
  };

  const hostRoom: HostRoom = {
    name: room,
    self,
    invite,
    inviteText: encodeRoomInvite(invite),
    members: () => [self, ...[...present.values()].map((p) => p.member)],
    onJoin: (listener) => joins.add(listener),
    onLeave: (listener) => leaves.add(({ member, reason }) => listener(member, reason)),
    onMessage: (listener) => messages.add(listener),
    send: (to, data, delivery: RoomDelivery = 'reliable') => linkTo(to).sendData(data, delivery),
    broadcast(data, delivery: RoomDelivery = 'reliable') {
      assertRoomMessageSize(data, delivery);
      let full = 0;
      for (const p of present.values()) {
        try {
          p.link.sendData(data, delivery);
        } catch (error) {
          if (!(error instanceof RoomBufferFullError)) throw error;
          full++;
        }
      }
      if (full > 0) throw new RoomBufferFullError(`${full} player(s) skipped: their reliable buffer is full`);
    },
    drained: (to) => {
      try {
        return linkTo(to).drained();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    rtt: (id) => present.get(id)?.link.rtt(),
    get sendStats() {
      let dropped = droppedGone;
      for (const p of present.values()) dropped += p.link.dropped;
      return { dropped };
    },
    get rejected() {
      return { ...rejected };
    },
    get stats() {
      return { admitted, refused: { ...refused } };
    },
    ended: endedPromise,
    kick(memberId, reason = 'kicked') {
      const p = present.get(memberId);
      if (!p) return;
      kicked.add(memberId);
      p.link.sendControl({ type: 'kicked', reason });
      void revokeGrant(agent.trust, memberId, scope).catch(() => {});
      remove(memberId, 'kicked', true);
    },
    async close(reason = 'closed') {
      if (ended) return;
      ended = true;
      unregister();
      secretDisplay.close();
      const all = [...present.values()];
      for (const p of all) p.link.sendControl({ type: 'closed', reason });
      await Promise.all(all.map((p) => p.link.flushed(500)));
      for (const p of all) {
        present.delete(p.member.id);
        p.link.close();
      }
      await Promise.all(all.map((p) => p.connection.close()));
      resolveEnded('closed');
    },
  };
  // The agent closing ends the room here too (members hear `closed` while their connections last).
  const stopWatchingAgent = agent.onClose(() => void hostRoom.close());
  void endedPromise.then(stopWatchingAgent);
  return hostRoom;
}
