/**
 * A player's side of a room: pair through the invite's secret when the host is new, connect
 * through the relay, open the room channels, join, and then keep the roster only as the host signs
 * it (`openRoster`). Platform-free: node-agent and browser-client call `createPlayerRoom` with their
 * channel adapter.
 * One file, longer than most: joining and the joined room share the link, the connection and the
 * frames that arrive between the host's admission and the room object existing.
 */
import type { Connection } from '../agent/connection.js';
import type { LanAgent } from '../agent/types.js';
import { timers } from '../encoding/timers.js';
import {
  InvalidArgumentError,
  LanrtcError,
  NotPairedError,
  PeerRejectedError,
  RoomMemberUnknownError,
  RoomRefusedError,
  SessionTimeoutError,
  TransportClosedError,
  UnexpectedSenderError,
} from '../errors.js';
import { createListeners } from '../events.js';
import { createEarlyMessageBuffer } from '../session/early-messages.js';
import type { SessionPeer } from '../session/peer.js';
import type { RoomPlatform } from './channel.js';
import type { RoomCoreOptions } from './host.js';
import { decodeRoomInvite, encodeRoomInvite, type RoomInvite } from './invite.js';
import { createRoomLink, DEFAULT_ROOM_TIMING, type RoomLink } from './link.js';
import type { RoomFrame } from './messages.js';
import { assertDisplayName } from './names.js';
import { openRoster, roomSecretProof, signRoomName, type VerifiedRoster } from './roster.js';
import type { JoinRoomInit, PlayerRoom, RoomDelivery, RoomMember, RoomMessage } from './types.js';

/** How long `joinRoom` waits by default, in ms. */
export const JOIN_ROOM_TIMEOUT_MS = 15_000;

/** Join the room of `invite` as a player. */
export async function createPlayerRoom<P extends SessionPeer>(
  agent: LanAgent<P>,
  inviteOrText: RoomInvite | string,
  init: JoinRoomInit,
  platform: RoomPlatform<P>,
  options: RoomCoreOptions = {},
): Promise<PlayerRoom> {
  const invite = typeof inviteOrText === 'string' ? decodeRoomInvite(inviteOrText) : inviteOrText;
  // An invite object from the app is checked like a decoded one (`InvalidArgumentError`).
  if (typeof inviteOrText !== 'string') encodeRoomInvite(invite);
  assertDisplayName(init.name);
  const timing = options.timing ?? DEFAULT_ROOM_TIMING;
  const room = invite.room;
  let connection: Connection<P> | undefined;
  let link: RoomLink | undefined;
  let settle: ((frame: RoomFrame | Error) => void) | undefined;
  // Frames after the first and before the room object exists (a second roster, data): replayed in order.
  let early: [RoomFrame, RoomDelivery][] | undefined = [];
  /** The link ended while frames were still held (its reason, applied after them). */
  let endedEarly: string | undefined;
  const rejected: Record<string, number> = {};
  const count = (name: string) => {
    rejected[name] = (rejected[name] ?? 0) + 1;
  };
  const take = (answer: RoomFrame | Error) => {
    const s = settle;
    settle = undefined;
    s?.(answer);
  };
  const cleanup = () => {
    link?.close();
    void connection?.close();
  };

  // One deadline and the caller's abort over every step: pairing, connecting, channels, admission.
  let timer: unknown;
  let onAbort: (() => void) | undefined;
  let stopReason: unknown;
  const stopped = new Promise<never>((_, reject) => {
    const stop = (reason: unknown) => {
      stopReason = reason;
      reject(reason);
    };
    timer = timers.setTimeout(
      () => stop(new SessionTimeoutError('joining the room took too long')),
      init.timeoutMs ?? JOIN_ROOM_TIMEOUT_MS,
    );
    if (init.signal) {
      if (init.signal.aborted) stop(init.signal.reason);
      onAbort = () => stop(init.signal?.reason);
      init.signal.addEventListener('abort', onAbort);
    }
  });
  stopped.catch(() => {});
  const step = <T>(p: Promise<T>) => Promise.race([p, stopped]);

  let roster: VerifiedRoster;
  try {
    const pairWithSecret = async (cause?: unknown) => {
      if (!invite.secret)
        throw new RoomRefusedError(
          'the host does not know this member and the invite has no secret',
          'not-admitted',
          { cause },
        );
      try {
        await step(agent.pair(invite.host, { kind: 'secret', secret: invite.secret }));
      } catch (error) {
        if (stopReason !== undefined && error === stopReason) throw error;
        throw new RoomRefusedError('pairing with the room secret failed', 'not-admitted', { cause: error });
      }
    };
    // A connection that arrives after the deadline or abort has no owner: close it.
    const connect = () => {
      const pending = agent.connect(invite.host);
      void pending.then(
        (c) => {
          if (stopReason !== undefined) void c.close();
        },
        () => {},
      );
      return pending;
    };
    if (!(await agent.trust.get(invite.host))) await pairWithSecret();
    try {
      connection = await step(connect());
    } catch (error) {
      // The host forgot this member (its store was reset): pair again through the secret.
      if (!(error instanceof PeerRejectedError || error instanceof NotPairedError)) throw error;
      await pairWithSecret(error);
      connection = await step(connect());
    }
    if (connection.remote.id !== invite.host)
      throw new UnexpectedSenderError('connected to another identity than the room host');
    // The room channels ride on the connection's SCTP association (RFC 8831 §5), which exists only
    // when the first offer had a DataChannel. Adding one by renegotiation is not enough on werift
    // 0.24.4 (the association never starts), so say so at once instead of timing out.
    if (!/^m=application/m.test(connection.peer.localDescription()?.sdp ?? ''))
      throw new InvalidArgumentError(
        'the connection to the host has no DataChannel transport: an agent `setup` must open a DataChannel on the offering side',
      );
    const channels = await step(platform.openChannels(connection.peer));
    const first = new Promise<RoomFrame | Error>((resolve) => {
      settle = resolve;
    });
    link = createRoomLink(
      channels,
      {
        onFrame: (frame, delivery) => {
          // Until admitted, only the reliable channel answers the join: an unreliable message the host
          // sent right after admitting may overtake the roster, and is dropped like a lost datagram.
          if (settle) {
            if (delivery === 'reliable') take(frame);
          } else if (early) early.push([frame, delivery]);
          else onFrame(frame, delivery);
        },
        onRejected: (error) => count(error.name),
        onEnd: (reason) => {
          // Not a verdict: a refusal is a `refused` frame. A connection lost while joining is
          // retryable, so it is not a `RoomRefusedError`.
          if (settle)
            take(
              new TransportClosedError(`the connection ended before the host answered the join (${reason})`),
            );
          else if (early) endedEarly = reason;
          else end(reason);
        },
      },
      timing,
      options.now,
    );
    const sign = (domain: string, message: Uint8Array) => agent.signRoomMessage(domain, message);
    link.sendControl({
      type: 'join',
      room,
      name: init.name,
      nameSignature: signRoomName(sign, room, invite.host, init.name),
      proof: invite.secret ? roomSecretProof(invite.secret, room, invite.host, agent.id) : new Uint8Array(0),
      pin: init.pin ?? '',
    });
    const answer = await step(first);
    if (answer instanceof Error) throw answer;
    if (answer.type === 'refused')
      throw new RoomRefusedError(`the host refused: ${answer.reason}`, answer.reason);
    if (answer.type !== 'roster')
      throw new RoomRefusedError('the host answered the join with something else', 'not-admitted');
    roster = openRoster(answer.body, { room, host: connection.remote });
    const me = roster.members.find((m) => m.id === agent.id);
    if (!me || me.name !== init.name)
      throw new RoomRefusedError('the roster does not list this member', 'not-admitted');
  } catch (error) {
    settle = undefined;
    cleanup();
    throw error;
  } finally {
    timers.clearTimeout(timer);
    if (onAbort) init.signal?.removeEventListener('abort', onAbort);
  }

  const conn = connection;
  const hostLink = link;
  const joins = createListeners<RoomMember>();
  const leaves = createListeners<{ member: RoomMember; reason: string }>();
  const messages = createListeners<RoomMessage>();
  // Messages that arrive before the app subscribed (a welcome the host sends on admission comes
  // right behind the roster, before `joinRoom` has returned): held, bounded, for the first listener.
  const unheard = createEarlyMessageBuffer<RoomMessage>(256);
  const deliver = (message: RoomMessage) => {
    if (messages.size === 0 && unheard.holding) unheard.hold(message);
    else messages.emit(message);
  };
  let members = roster.members;
  let version = roster.version;
  let endMessage: string | undefined;
  let leaving = false;
  let ended = false;
  let resolveEnded: (reason: string) => void = () => {};
  const endedPromise = new Promise<string>((resolve) => {
    resolveEnded = resolve;
  });
  const host = members[0] as RoomMember;
  const self = members.find((m) => m.id === agent.id) as RoomMember;

  function end(why: string) {
    if (ended) return;
    ended = true;
    // Once this member said goodbye, the host closing the link is the goodbye's answer, not the host leaving.
    const reason = leaving ? 'left' : why;
    link?.close();
    void connection?.close();
    resolveEnded(reason);
  }
  function applyRoster(body: Uint8Array) {
    let next: VerifiedRoster;
    try {
      next = openRoster(body, { room, host: conn.remote });
    } catch (error) {
      // A roster that fails its checks is dropped whole: presence never half-applies.
      return count(error instanceof LanrtcError ? error.name : 'MalformedInputError');
    }
    if (next.version <= version) return count('StaleRosterError');
    const before = new Map(members.map((m) => [m.id, m]));
    const after = new Set(next.members.map((m) => m.id));
    version = next.version;
    members = next.members;
    if (!after.has(agent.id)) return end('kicked');
    for (const m of before.values()) {
      if (after.has(m.id)) continue;
      const why = next.departed.find((d) => d.id === m.id)?.reason ?? 'left';
      leaves.emit({ member: m, reason: why });
    }
    for (const m of next.members) if (!before.has(m.id)) joins.emit(m);
  }
  function onFrame(frame: RoomFrame, delivery: RoomDelivery) {
    if (ended) return;
    switch (frame.type) {
      case 'roster':
        return applyRoster(frame.body);
      case 'data':
        return deliver({ from: host.id, delivery, data: frame.data });
      case 'closed':
        endMessage = frame.reason;
        return end('host-left');
      case 'kicked':
        endMessage = frame.reason;
        return end('kicked');
      default:
        return count('UnexpectedFrame');
    }
  }
  void conn.ended.then(() => end('disconnected'));
  hostLink.startHeartbeat();
  const held = early ?? [];
  early = undefined;
  for (const [frame, delivery] of held) onFrame(frame, delivery);
  if (endedEarly !== undefined) end(endedEarly);

  const toHost = (to: string) => {
    if (to !== host.id) throw new RoomMemberUnknownError('a player reaches the host only');
    return hostLink;
  };
  const leave = async () => {
    if (ended) return;
    leaving = true;
    hostLink.sendControl({ type: 'leave', reason: 'left' });
    await hostLink.flushed(500);
    end('left');
  };

  return {
    name: room,
    self,
    host,
    members: () => members,
    onJoin: (listener) => joins.add(listener),
    onLeave: (listener) => leaves.add(({ member, reason }) => listener(member, reason)),
    onMessage: (listener) => {
      const off = messages.add(listener);
      unheard.release((message) => messages.emit(message));
      return off;
    },
    send: (to, data, delivery: RoomDelivery = 'reliable') => toHost(to).sendData(data, delivery),
    broadcast: (data, delivery: RoomDelivery = 'reliable') => void hostLink.sendData(data, delivery),
    drained: (to) => {
      try {
        return toHost(to).drained();
      } catch (error) {
        return Promise.reject(error);
      }
    },
    rtt: (id) => (id === host.id ? hostLink.rtt() : undefined),
    get sendStats() {
      return { dropped: hostLink.dropped };
    },
    get rejected() {
      return { ...rejected };
    },
    get endMessage() {
      return endMessage;
    },
    ended: endedPromise,
    leave,
    close: leave,
  };
}
