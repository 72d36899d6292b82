/**
 * TEST-ONLY Node member of the rooms e2e, run by lan-harness inside a LAN host:
 *   member.ts host <ip> <static-dir>     — a relay on <ip> serving <static-dir>, and the room host
 *   member.ts relay <ip> <static-dir>    — the same relay and an idle agent (a page hosts the room)
 *   member.ts player <ip> <relay-url>    — a Node agent on that relay, idle until told to join
 * JSON lines on stdout (`event`: ready, joined, refused, join, leave, message, ended, …) and these
 * stdin commands: `join <invite> <name> [pin]`, `pair-pin <host-id> <pin>`, `show-pin`,
 * `forge-join <host-id>`, `members`, `send <to|host> <reliable|unreliable> <text>`,
 * `broadcast <delivery> <text>`, `flood <to|host>`, `leave`, `kick <id>`, `close <reason>`, `stats`.
 */
import { createInterface } from 'node:readline';
import {
  createDtlsCertificate,
  createNodeAgent,
  hostRoom,
  joinRoom,
  type PlayerRoom,
  type Room,
  RoomRefusedError,
  weriftRoomPlatform,
} from '@lanrtc/node-agent';
import { createRelay } from '@lanrtc/relay';
import { createIdentity, createMemoryTrustStore, type HostRoom } from '@lanrtc/signal-core';
import {
  createRoomLink,
  identitySigner,
  RELIABLE_HARD_CAP,
  type RoomFrame,
  signRoomName,
} from '@lanrtc/signal-core/room';

const [role, ip, arg] = process.argv.slice(2);
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
if (!ip || !arg || (role !== 'host' && role !== 'player' && role !== 'relay'))
  throw new Error('usage: member.ts host|relay|player <ip> <dir|url>');
const errorName = (e: unknown) => (e instanceof Error ? e.name : String(e));

const relay = role !== 'player' ? await createRelay({ host: ip, port: 0, staticDir: arg }) : undefined;
const relayUrl = relay ? relay.address.url : arg;
const agent = await createNodeAgent({
  relay: relayUrl,
  identity: createIdentity(),
  certificate: await createDtlsCertificate(),
  trust: createMemoryTrustStore(),
  peer: { interfaceAddresses: [ip] },
  timeoutMs: 8000,
});

let room: Room | undefined;
let host: HostRoom | undefined;
let player: PlayerRoom | undefined;
const watch = (r: Room) => {
  room = r;
  r.onJoin((m) => emit({ event: 'join', id: m.id, name: m.name, at: Date.now() }));
  r.onLeave((m, reason) => emit({ event: 'leave', id: m.id, reason, at: Date.now() }));
  r.onMessage((m) =>
    emit({
      event: 'message',
      from: m.from,
      delivery: m.delivery,
      text: new TextDecoder().decode(m.data),
      at: Date.now(),
    }),
  );
  void r.ended.then((reason) =>
    emit({ event: 'ended', reason, message: player?.endMessage, at: Date.now() }),
  );
};
if (role === 'host') {
  host = await hostRoom(agent, { room: 'arena', name: 'Host', maxMembers: 3 });
  watch(host);
  emit({ event: 'ready', id: agent.id, invite: host.inviteText, url: relayUrl });
} else {
  emit({ event: 'ready', id: agent.id, url: relayUrl });
}

const live = (): Room => {
  if (!room) throw new Error('not in a room');
  return room;
};
const target = (to: string) => (to === 'host' ? (player?.host.id ?? '') : to);

/** A peer the host trusts but that never got the secret: a join whose name someone else signed. */
async function forgeJoin(hostId: string): Promise<string> {
  const connection = await agent.connect(hostId);
  const channels = await weriftRoomPlatform.openChannels(connection.peer);
  const answer = new Promise<RoomFrame | string>((resolve) => {
    const link = createRoomLink(channels, {
      onFrame: (frame) => resolve(frame),
      onRejected: (e) => resolve(e.name),
      onEnd: (reason) => resolve(`ended:${reason}`),
    });
    const other = identitySigner(createIdentity());
    link.sendControl({
      type: 'join',
      room: 'arena',
      name: 'Host',
      nameSignature: signRoomName(other, 'arena', hostId, 'Host'),
      proof: new Uint8Array(32),
      pin: '',
    });
  });
  const frame = await answer;
  await connection.close();
  return typeof frame === 'string'
    ? frame
    : frame.type === 'refused'
      ? `refused:${frame.reason}`
      : frame.type;
}

const commands = async (command: string, args: string[]) => {
  const [x, y] = args;
  switch (command) {
    case 'join':
      try {
        player = await joinRoom(agent, x as string, {
          name: y as string,
          ...(args[2] ? { pin: args[2] } : {}),
          timeoutMs: 12_000,
        });
      } catch (error) {
        return emit({
          event: 'refused',
          error: errorName(error),
          reason: error instanceof RoomRefusedError ? error.reason : undefined,
          cause:
            error instanceof Error && error.cause instanceof Error
              ? `${error.cause.name}: ${error.cause.message}`
              : undefined,
          message: error instanceof Error ? error.message : undefined,
        });
      }
      watch(player);
      return emit({ event: 'joined', id: agent.id, members: player.members() });
    case 'pair-pin':
      await agent.enterPin(x as string, y as string);
      return emit({ event: 'paired' });
    case 'show-pin':
      return emit({ event: 'pin', pin: agent.showPin().pin() });
    case 'forge-join':
      return emit({ event: 'forged', answer: await forgeJoin(x as string) });
    case 'members':
      return emit({ event: 'members', members: live().members() });
    case 'send': {
      const ok = live().send(
        target(x as string),
        new TextEncoder().encode(args.slice(2).join(' ')),
        y as 'reliable',
      );
      return emit({ event: 'sent', ok });
    }
    case 'broadcast':
      live().broadcast(new TextEncoder().encode(args.slice(1).join(' ')), x as 'reliable');
      return emit({ event: 'sent', ok: true });
    case 'flood': {
      const to = target(x as string);
      const chunk = new Uint8Array(16 * 1024);
      let sent = 0;
      let error = '';
      let refusedAbove = 0;
      // Send without waiting until the layer refuses: the buffer must never pass the cap.
      for (let i = 0; i < 1000; i++) {
        try {
          live().send(to, chunk);
          sent++;
        } catch (e) {
          error = errorName(e);
          break;
        }
      }
      refusedAbove = sent * chunk.length;
      const t = Date.now();
      await live().drained(to);
      return emit({
        event: 'flooded',
        sent,
        bytes: refusedAbove,
        cap: RELIABLE_HARD_CAP,
        error,
        drainMs: Date.now() - t,
      });
    }
    case 'leave':
      await player?.leave();
      return emit({ event: 'left' });
    case 'kick':
      host?.kick(x as string, 'bye now');
      return emit({ event: 'kicked', id: x });
    case 'close':
      await live().close(x);
      return emit({ event: 'closed' });
    case 'stats':
      return emit({
        event: 'stats',
        stats: host?.stats,
        rejected: room?.rejected,
        rtt: player ? player.rtt(player.host.id) : undefined,
      });
  }
};
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, ...args] = line.trim().split(' ');
  commands(command ?? '', args).catch((e) => emit({ event: 'error', command, error: errorName(e) }));
});
process.on('SIGTERM', () => {
  void (async () => {
    await agent.close();
    await relay?.close({ reason: 'shutdown' });
    process.exit(0);
  })();
});
