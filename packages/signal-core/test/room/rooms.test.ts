/**
 * The host and player state machines end to end over the in-memory network: real agents (secret
 * pairing, trust, signed relay-path connect) and in-memory room channels the test can pause, cut or
 * write hostile frames into.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LanAgentCore } from '../../src/agent/create-lan-agent.js';
import {
  encodeRoomInvite,
  type HostRoomInit,
  InvalidArgumentError,
  type JoinRoomInit,
  type PlayerRoom,
  RoomBufferFullError,
  RoomMemberUnknownError,
  RoomMessageTooLargeError,
  RoomRefusedError,
  SessionTimeoutError,
} from '../../src/index.js';
import {
  RELIABLE_HARD_CAP,
  RELIABLE_HIGH_WATER,
  UNRELIABLE_HIGH_WATER,
} from '../../src/room/backpressure.js';
import { createHostRoom } from '../../src/room/host.js';
import type { RoomInvite } from '../../src/room/invite.js';
import { createRoomLink, type RoomTiming } from '../../src/room/link.js';
import { encodeRoomFrame } from '../../src/room/messages.js';
import { createPlayerRoom } from '../../src/room/player.js';
import { sealRoster, signRoomName } from '../../src/room/roster.js';
import { hasGrant } from '../../src/trust/peers.js';
import { createTestLan, type TestLan, type TestPeer, until } from './support.js';

let lan: TestLan;
afterEach(async () => {
  await lan?.close();
});

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const names = (room: { members(): readonly { name: string }[] }) => room.members().map((m) => m.name);

async function hostWith(init: Partial<HostRoomInit> = {}, timing?: RoomTiming) {
  lan = createTestLan();
  const agent = lan.agent('host');
  const room = await createHostRoom(
    agent,
    { room: 'game', name: 'Host', ...init },
    lan.platform,
    timing ? { timing } : {},
  );
  return { agent, room };
}
function join(
  agent: LanAgentCore<TestPeer>,
  invite: RoomInvite | string,
  init: Partial<JoinRoomInit> & { name: string },
  timing?: RoomTiming,
): Promise<PlayerRoom> {
  return createPlayerRoom(
    agent,
    invite,
    { timeoutMs: 4000, ...init },
    lan.platform,
    timing ? { timing } : {},
  );
}
const refusal = async (p: Promise<unknown>) => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RoomRefusedError);
  return (error as RoomRefusedError).reason;
};

describe('presence', () => {
  it('every member sees the same roster, host first; joins and leaves reach the others', async () => {
    const { room } = await hostWith();
    const ann = await join(lan.agent('player'), room.inviteText, { name: 'Ann' });
    const joined: string[] = [];
    ann.onJoin((m) => joined.push(m.name));
    const bob = await join(lan.agent('player'), room.invite, { name: 'Bob' });
    await until(() => joined.length === 1, 'Ann sees Bob');
    expect(joined).toEqual(['Bob']);
    for (const r of [room, ann, bob]) expect(names(r)).toEqual(['Host', 'Ann', 'Bob']);
    expect(ann.members()).toEqual(room.members());
    expect(bob.members()).toEqual(room.members());
    expect(bob.host).toEqual(room.self);
    expect(bob.self).toMatchObject({ name: 'Bob', role: 'player' });

    const left: [string, string][] = [];
    ann.onLeave((m, reason) => left.push([m.name, reason]));
    await bob.leave();
    expect(await bob.ended).toBe('left');
    await until(() => left.length === 1, 'Ann sees Bob leave');
    expect(left).toEqual([['Bob', 'left']]);
    expect(names(room)).toEqual(['Host', 'Ann']);

    await room.close('game over');
    expect(await ann.ended).toBe('host-left');
    expect(ann.endMessage).toBe('game over');
    expect(await room.ended).toBe('closed');
  });

  it("closing the host's agent ends its room: `closed` here, `host-left` for the members", async () => {
    const { room, agent } = await hostWith();
    const ann = await join(lan.agent('player'), room.inviteText, { name: 'Ann' });
    await agent.close();
    expect(await room.ended).toBe('closed');
    expect(['host-left', 'disconnected']).toContain(await ann.ended);
    expect(room.members().map((m) => m.name)).toEqual(['Host']);
  });

  it('a member silent for silenceMs leaves with `timeout`, seen by the others', async () => {
    // Short enough for a unit test, long enough that a busy shared CPU never makes Ann look silent too.
    const timing = { heartbeatMs: 100, silenceMs: 1000 };
    const { room } = await hostWith({}, timing);
    const ann = await join(lan.agent('player'), room.inviteText, { name: 'Ann' }, timing);
    const bob = await join(lan.agent('player'), room.inviteText, { name: 'Bob' }, timing);
    const bobLink = lan.lastLink();
    const left: [string, string][] = [];
    ann.onLeave((m, reason) => left.push([m.name, reason]));
    // Bob vanishes: nothing he sends arrives any more, and he hears nothing either.
    bobLink.player.reliable.blackhole(true);
    bobLink.player.unreliable.blackhole(true);
    bobLink.host.reliable.blackhole(true);
    const t0 = Date.now();
    await until(() => left.length === 1, 'Ann sees Bob time out', 4000);
    expect(left).toEqual([['Bob', 'timeout']]);
    expect(Date.now() - t0).toBeLessThan(1000 + 2 * 100 + 500);
    // Bob lost the host (the host dropped him, or he heard nothing): never `host-left` — the host
    // closed no room — so his app knows to join again.
    expect(['timeout', 'disconnected']).toContain(await bob.ended);
    // Heartbeats kept Ann in and measured her round trip.
    expect(names(room)).toEqual(['Host', 'Ann']);
    expect(ann.rtt(room.self.id)).toBeGreaterThanOrEqual(0);
    expect(room.rtt(ann.self.id)).toBeGreaterThanOrEqual(0);
  });
});

describe('admission', () => {
  it('without the secret: an unknown peer is refused before contact, a trusted one by the host', async () => {
    const { agent: hostAgent, room } = await hostWith();
    const noSecret = { room: 'game', host: room.self.id };
    const stranger = lan.agent('player');
    expect(await refusal(join(stranger, noSecret, { name: 'Eve' }))).toBe('not-admitted');
    // Trusted for something else (paired through another secret), never admitted to the room.
    const other = new Uint8Array(16).fill(9);
    const side = hostAgent.acceptSecret(other);
    await stranger.pair(room.self.id, { kind: 'secret', secret: other });
    side.close();
    expect(await refusal(join(stranger, noSecret, { name: 'Eve' }))).toBe('not-admitted');
    // A wrong secret in the invite: the proof fails (it is already paired, so no pairing runs).
    expect(await refusal(join(stranger, { ...noSecret, secret: new Uint8Array(16) }, { name: 'Eve' }))).toBe(
      'not-admitted',
    );
    expect(room.stats.refused['not-admitted']).toBe(2);
    expect(names(room)).toEqual(['Host']);
    // With the invite's secret the same peer is admitted.
    const eve = await join(stranger, room.invite, { name: 'Eve' });
    expect(names(eve)).toEqual(['Host', 'Eve']);
  });

  it('an admitted member gets the grant and rejoins with an invite without secret, skipping PIN and approval', async () => {
    let asked = 0;
    const { agent: hostAgent, room } = await hostWith({
      pin: '4821',
      approve: () => {
        asked++;
        return true;
      },
    });
    const player = lan.agent('player');
    const first = await join(player, room.inviteText, { name: 'Ann', pin: '4821' });
    expect(asked).toBe(1);
    const record = await hostAgent.trust.get(player.id);
    expect(record && hasGrant(record, 'room/game', 'join')).toBe(true);
    await first.leave();
    await until(() => room.members().length === 1, 'host sees Ann leave');
    const again = await join(player, encodeRoomInvite({ room: 'game', host: room.self.id }), { name: 'Ann' });
    expect(names(again)).toEqual(['Host', 'Ann']);
    expect(asked).toBe(1);
    expect(room.stats.admitted).toBe(2);
  });

  it('a connection lost while the host decides is no refusal: joinRoom rejects with TransportClosedError', async () => {
    let decide: (verdict: boolean) => void = () => {};
    const { room } = await hostWith({ approve: () => new Promise<boolean>((resolve) => (decide = resolve)) });
    const joining = join(lan.agent('player'), room.invite, { name: 'Ann' });
    await until(() => lan.links.size === 1, 'the host has the connection');
    await new Promise((r) => setTimeout(r, 50));
    lan.lastLink().host.reliable.close(); // the connection goes while the host is still asking
    await expect(joining).rejects.toMatchObject({ name: 'TransportClosedError' });
    decide(true);
  });

  it('PIN: a wrong one is refused, five failures lock that member out even with the right PIN', async () => {
    const { room } = await hostWith({ pin: '4821' });
    const player = lan.agent('player');
    expect(await refusal(join(player, room.invite, { name: 'Ann' }))).toBe('wrong-pin');
    for (let i = 0; i < 4; i++)
      expect(await refusal(join(player, room.invite, { name: 'Ann', pin: '0000' }))).toBe('wrong-pin');
    expect(await refusal(join(player, room.invite, { name: 'Ann', pin: '4821' }))).toBe('wrong-pin');
    // Someone else with the right PIN is not affected by that member's lock.
    const other = await join(lan.agent('player'), room.invite, { name: 'Bob', pin: '4821' });
    expect(names(other)).toEqual(['Host', 'Bob']);
    expect(room.stats.refused['wrong-pin']).toBe(6);
  });

  it('approval: declined, or a throwing callback, refuses; room-full past maxMembers', async () => {
    const verdicts = [false, 'throw', true];
    const { room } = await hostWith({
      maxMembers: 1,
      approve: () => {
        const v = verdicts.shift();
        if (v === 'throw') throw new Error('ui crashed');
        return v === true;
      },
    });
    const player = lan.agent('player');
    expect(await refusal(join(player, room.invite, { name: 'Ann' }))).toBe('declined');
    expect(await refusal(join(player, room.invite, { name: 'Ann' }))).toBe('declined');
    await join(player, room.invite, { name: 'Ann' });
    expect(await refusal(join(lan.agent('player'), room.invite, { name: 'Bob' }))).toBe('room-full');
    expect(room.stats.refused).toEqual({ declined: 2, 'room-full': 1 });
  });

  it('kick: the player ends `kicked` with the message, loses its grant and is refused for the room’s life', async () => {
    const { agent: hostAgent, room } = await hostWith();
    const player = lan.agent('player');
    const ann = await join(player, room.invite, { name: 'Ann' });
    room.kick(ann.self.id, 'cheating');
    expect(await ann.ended).toBe('kicked');
    expect(ann.endMessage).toBe('cheating');
    await until(() => room.members().length === 1, 'host removes Ann');
    const record = await hostAgent.trust.get(player.id);
    expect(record && hasGrant(record, 'room/game', 'join')).toBe(false);
    expect(await refusal(join(player, room.invite, { name: 'Ann' }))).toBe('kicked');
  });

  it('an invite for a room this host does not hold is refused `wrong-room`', async () => {
    const { room } = await hostWith();
    expect(await refusal(join(lan.agent('player'), { ...room.invite, room: 'other' }, { name: 'Ann' }))).toBe(
      'wrong-room',
    );
  });

  it("a trusted peer cannot use another member's proof or name signature", async () => {
    const { agent: hostAgent, room } = await hostWith();
    const ann = await join(lan.agent('player'), room.invite, { name: 'Ann' });
    const eve = lan.agent('player');
    const side = hostAgent.acceptSecret(new Uint8Array(16).fill(3));
    await eve.pair(room.self.id, { kind: 'secret', secret: new Uint8Array(16).fill(3) });
    side.close();
    const { roomSecretProof } = await import('../../src/room/roster.js');
    const attempt = async (nameSignature: Uint8Array, proof: Uint8Array) => {
      const connection = await eve.connect(room.self.id);
      const channels = await lan.platform.openChannels(connection.peer);
      const answer = new Promise<string>((resolve) => {
        const link = createRoomLink(channels, {
          onFrame: (f) => resolve(f.type === 'refused' ? f.reason : f.type),
          onRejected: (e) => resolve(e.name),
          onEnd: (r) => resolve(`ended:${r}`),
        });
        link.sendControl({ type: 'join', room: 'game', name: 'Ann', nameSignature, proof, pin: '' });
      });
      return answer;
    };
    const secret = room.invite.secret as Uint8Array;
    const eveSign = (d: string, m: Uint8Array) => eve.signRoomMessage(d, m);
    // Ann's proof is bound to Ann's id: worthless to Eve.
    expect(
      await attempt(
        signRoomName(eveSign, 'game', room.self.id, 'Ann'),
        roomSecretProof(secret, 'game', room.self.id, ann.self.id),
      ),
    ).toBe('not-admitted');
    // A name signature by someone else than the connection's identity.
    const annSig = signRoomName(
      (d, m) => lan.agentsById(ann.self.id).signRoomMessage(d, m),
      'game',
      room.self.id,
      'Ann',
    );
    expect(await attempt(annSig, roomSecretProof(secret, 'game', room.self.id, eve.id))).toBe('not-admitted');
    expect(room.stats.refused['not-admitted']).toBe(2);
    expect(names(room)).toEqual(['Host', 'Ann']);
  });
});

describe('forged presence', () => {
  it('a roster not signed by the host, a tampered one or a stale one is dropped and counted, never applied', async () => {
    const { agent: hostAgent, room } = await hostWith();
    const ann = await join(lan.agent('player'), room.invite, { name: 'Ann' });
    const link = lan.lastLink();
    const before = ann.members();
    const eve = lan.agent('player');
    const hostSign = (d: string, m: Uint8Array) => hostAgent.signRoomMessage(d, m);
    const entries = (sign: typeof hostSign, name: string) => [
      {
        publicKey: hostAgent.identity.publicKey,
        name: 'Host',
        role: 'host' as const,
        joinedAt: 1,
        nameSignature: signRoomName(hostSign, 'game', hostAgent.id, 'Host'),
      },
      {
        publicKey: eve.identity.publicKey,
        name,
        role: 'player' as const,
        joinedAt: 2,
        nameSignature: signRoomName(sign, 'game', hostAgent.id, 'Eve'),
      },
    ];
    const eveSign = (d: string, m: Uint8Array) => eve.signRoomMessage(d, m);
    const inject = (body: Uint8Array) => link.host.reliable.send(encodeRoomFrame({ type: 'roster', body }));
    // 1. Signed by Eve instead of the host.
    inject(
      sealRoster(eveSign, { room: 'game', version: 99, members: entries(eveSign, 'Eve'), departed: [] }),
    );
    // 2. Host-signed, but Eve's entry renamed after she signed it.
    inject(
      sealRoster(hostSign, { room: 'game', version: 100, members: entries(eveSign, 'Boss'), departed: [] }),
    );
    // 3. Host-signed and valid, but an old version (a replay).
    inject(
      sealRoster(hostSign, { room: 'game', version: 1, members: entries(eveSign, 'Eve'), departed: [] }),
    );
    // 4. Garbage.
    link.host.reliable.send(new Uint8Array([1, 3, 1, 2, 3]));
    await until(() => Object.values(ann.rejected).reduce((a, b) => a + b, 0) === 4, 'four rejections');
    expect(ann.rejected).toEqual({ InvalidSignatureError: 2, StaleRosterError: 1, MalformedInputError: 1 });
    expect(ann.members()).toEqual(before);
    // A real change still applies afterwards.
    await join(lan.agent('player'), room.invite, { name: 'Bob' });
    await until(() => ann.members().length === 3, 'Ann sees Bob');
  });

  it('a player sending hostile frames is counted at the host and stays; control frames on the fast channel are refused', async () => {
    const { room } = await hostWith();
    const ann = await join(lan.agent('player'), room.invite, { name: 'Ann' });
    const link = lan.lastLink();
    link.player.reliable.send(new Uint8Array([9, 9]));
    link.player.reliable.send(new Uint8Array([1, 42]));
    link.player.unreliable.send(encodeRoomFrame({ type: 'leave', reason: 'x' }));
    await until(() => Object.values(room.rejected).reduce((a, b) => a + b, 0) === 3, 'three rejections');
    expect(room.rejected).toEqual({ MalformedInputError: 2, UnsupportedVersionError: 1 });
    expect(names(room)).toEqual(['Host', 'Ann']);
    expect(names(ann)).toEqual(['Host', 'Ann']);
  });
});

describe('messaging and backpressure', () => {
  it('reliable and unreliable, both directions; sizes and addressees are checked', async () => {
    const { room } = await hostWith();
    const ann = await join(lan.agent('player'), room.invite, { name: 'Ann' });
    const bob = await join(lan.agent('player'), room.invite, { name: 'Bob' });
    const atHost: string[] = [];
    const atAnn: string[] = [];
    const atBob: string[] = [];
    room.onMessage((m) =>
      atHost.push(`${m.from === ann.self.id ? 'ann' : 'bob'}:${m.delivery}:${text(m.data)}`),
    );
    ann.onMessage((m) => atAnn.push(`${m.delivery}:${text(m.data)}`));
    bob.onMessage((m) => atBob.push(`${m.delivery}:${text(m.data)}`));
    expect(ann.send(room.self.id, bytes('a1'))).toBe(true);
    ann.broadcast(bytes('a2'), 'unreliable');
    room.send(bob.self.id, bytes('b-only'), 'unreliable');
    room.broadcast(bytes('all'));
    await until(() => atHost.length === 2 && atAnn.length === 1 && atBob.length === 2, 'messages');
    expect(atHost).toEqual(['ann:reliable:a1', 'ann:unreliable:a2']);
    expect(atAnn).toEqual(['reliable:all']);
    expect(atBob.sort()).toEqual(['reliable:all', 'unreliable:b-only']);

    expect(() => ann.send(bob.self.id, bytes('x'))).toThrow(RoomMemberUnknownError);
    expect(() => room.send('nobody', bytes('x'))).toThrow(RoomMemberUnknownError);
    expect(() => room.send(ann.self.id, new Uint8Array(1201), 'unreliable')).toThrow(
      RoomMessageTooLargeError,
    );
    expect(room.send(ann.self.id, new Uint8Array(1200), 'unreliable')).toBe(true);
    expect(() => ann.send(room.self.id, new Uint8Array(64 * 1024 + 1))).toThrow(RoomMessageTooLargeError);
  });

  it('a reliable flood to a stalled member is refused at the cap, then drains; unreliable drops are counted', async () => {
    const { room } = await hostWith();
    const ann = await join(lan.agent('player'), room.invite, { name: 'Ann' });
    const link = lan.lastLink();
    link.host.reliable.pause();
    link.host.unreliable.pause();
    const chunk = new Uint8Array(16 * 1024);
    let sent = 0;
    let sawFalse = false;
    let peak = 0;
    let error: unknown;
    for (let i = 0; i < 1000; i++) {
      try {
        if (!room.send(ann.self.id, chunk)) sawFalse = true;
        sent++;
        peak = Math.max(peak, link.host.reliable.bufferedAmount);
      } catch (e) {
        error = e;
        break;
      }
    }
    expect(error).toBeInstanceOf(RoomBufferFullError);
    expect(sawFalse).toBe(true);
    expect(peak).toBeLessThanOrEqual(RELIABLE_HARD_CAP);
    expect(peak).toBeGreaterThan(RELIABLE_HIGH_WATER);
    expect(sent * chunk.length).toBeLessThanOrEqual(RELIABLE_HARD_CAP);
    expect(() => room.broadcast(chunk)).toThrow(RoomBufferFullError);

    let drained = false;
    const waiting = room.drained(ann.self.id).then(() => {
      drained = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(drained).toBe(false);

    for (let i = 0; i < 200; i++) room.send(ann.self.id, new Uint8Array(1200), 'unreliable');
    expect(link.host.unreliable.bufferedAmount).toBeLessThanOrEqual(UNRELIABLE_HIGH_WATER + 1202);
    expect(room.sendStats.dropped).toBeGreaterThan(100);

    let got = 0;
    ann.onMessage(() => got++);
    link.host.reliable.resume();
    link.host.unreliable.resume();
    await waiting;
    await until(() => got >= sent, 'everything sent arrives');
  });
});

describe('lifecycle', () => {
  it('one room name per agent at a time; it can be hosted again after close', async () => {
    const { agent, room } = await hostWith();
    await expect(createHostRoom(agent, { room: 'game', name: 'Again' }, lan.platform)).rejects.toThrow(
      InvalidArgumentError,
    );
    const other = await createHostRoom(agent, { room: 'other', name: 'Host' }, lan.platform);
    // Sizes are checked even when nobody is there to receive.
    expect(() => other.broadcast(new Uint8Array(64 * 1024 + 1))).toThrow(RoomMessageTooLargeError);
    await room.close();
    const again = await createHostRoom(agent, { room: 'game', name: 'Again' }, lan.platform);
    const ann = await join(lan.agent('player'), again.invite, { name: 'Ann' });
    expect(names(ann)).toEqual(['Again', 'Ann']);
    await other.close();
  });

  it.each([
    ['a room name', { room: 'Bad Name', name: 'Host' }],
    ['a display name', { room: 'game', name: '' }],
    ['maxMembers', { room: 'game', name: 'Host', maxMembers: 0 }],
    ['a secret', { room: 'game', name: 'Host', secret: new Uint8Array(3) }],
  ])('hostRoom refuses a malformed %s', async (_, init) => {
    lan = createTestLan();
    await expect(createHostRoom(lan.agent('host'), init, lan.platform)).rejects.toThrow(InvalidArgumentError);
  });

  it('joinRoom gives up with SessionTimeoutError when the host never answers, and on abort with its reason', async () => {
    const { agent, room } = await hostWith();
    const player = lan.agent('player');
    await join(player, room.invite, { name: 'Ann' }).then((r) => r.leave());
    // The agent still answers connections, but it hosts no room any more: no one reads the join.
    await room.close();
    const keep = agent.onConnection(() => {});
    const t0 = Date.now();
    const late = await join(player, room.invite, { name: 'Ann', timeoutMs: 400 }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(SessionTimeoutError);
    expect(Date.now() - t0).toBeLessThan(2000);
    const controller = new AbortController();
    const aborted = join(player, room.invite, { name: 'Ann', signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    controller.abort(new Error('user went back'));
    expect(((await aborted) as Error).message).toBe('user went back');
    keep();
  });

  it('the same identity joining again replaces its old link (a reloaded page)', async () => {
    const { room } = await hostWith();
    const player = lan.agent('player');
    const left: string[] = [];
    room.onLeave((_, reason) => left.push(reason));
    const first = await join(player, room.invite, { name: 'Ann' });
    const second = await join(player, room.invite, { name: 'Ann 2' });
    await first.ended;
    expect(left).toEqual(['rejoined']);
    expect(names(room)).toEqual(['Host', 'Ann 2']);
    expect(names(second)).toEqual(['Host', 'Ann 2']);
  });

  it('a welcome the host sends on admission reaches the player’s first onMessage listener', async () => {
    const { room } = await hostWith();
    room.onJoin((m) => {
      room.send(m.id, bytes('welcome'));
      room.send(m.id, bytes('state'), 'unreliable');
    });
    const ann = await join(lan.agent('player'), room.invite, { name: 'Ann' });
    // Subscribing a little later, as an app that sets up its UI first does.
    await new Promise((r) => setTimeout(r, 50));
    const got: string[] = [];
    ann.onMessage((m) => got.push(`${m.delivery}:${text(m.data)}`));
    await until(() => got.length === 2, 'both messages');
    expect(got).toEqual(['reliable:welcome', 'unreliable:state']);
  });

  it('an unreliable message that overtakes the admitting roster does not fail the join', async () => {
    const { room } = await hostWith();
    const sent: boolean[] = [];
    room.onJoin((m) => {
      sent.push(room.send(m.id, bytes('state'), 'unreliable'));
      setTimeout(() => lan.lastLink().host.reliable.resume(), 50);
    });
    // The host's reliable channel to this player holds the roster back until after the datagram.
    const platform = {
      ...lan.platform,
      openChannels: async (peer: TestPeer) => {
        const channels = await lan.platform.openChannels(peer);
        lan.lastLink().host.reliable.pause();
        return channels;
      },
    };
    const ann = await createPlayerRoom(
      lan.agent('player'),
      room.invite,
      { name: 'Ann', timeoutMs: 4000 },
      platform,
    );
    expect(sent).toEqual([true]);
    expect(names(ann)).toEqual(['Host', 'Ann']);
  });

  it('joinRoom refuses at once a connection whose offer carried no DataChannel', async () => {
    const { room } = await hostWith();
    const error = await join(lan.agent('player', { mediaOnly: true }), room.invite, { name: 'Ann' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/no DataChannel transport/);
  });

  it('a connection whose first room frame is not a join is closed and counted', async () => {
    const { room } = await hostWith();
    const eve = lan.agent('player');
    await eve.pair(room.self.id, { kind: 'secret', secret: room.invite.secret as Uint8Array });
    const connection = await eve.connect(room.self.id);
    const channels = await lan.platform.openChannels(connection.peer);
    const ended = new Promise<string>((resolve) => {
      const link = createRoomLink(channels, { onFrame: () => {}, onRejected: () => {}, onEnd: resolve });
      link.sendControl({ type: 'leave', reason: 'nonsense' });
    });
    expect(await ended).toBe('disconnected');
    expect(room.stats.refused['not-admitted']).toBe(1);
    expect(names(room)).toEqual(['Host']);
  });
});
