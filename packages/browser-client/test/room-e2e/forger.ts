/**
 * TEST-ONLY hostile room host of the rooms e2e, run by lan-harness inside a LAN host:
 *   forger.ts <ip> <static-dir>
 * A relay on <ip> serving <static-dir> and an agent that speaks the room wire format itself: it
 * admits the first join with an honest signed roster, then sends forged ones — an extra member
 * whose name another key signed, a roster signed by another identity, and a replay of the first.
 * JSON lines: `ready` (id, invite, url), `forged` (after the forgeries went out).
 */
import { createDtlsCertificate, createNodeAgent, weriftRoomPlatform } from '@lanrtc/node-agent';
import { createRelay } from '@lanrtc/relay';
import { createIdentity, createMemoryTrustStore, encodeRoomInvite } from '@lanrtc/signal-core';
import {
  createRoomLink,
  identitySigner,
  type RoomSigner,
  type RosterEntry,
  sealRoster,
  signRoomName,
} from '@lanrtc/signal-core/room';

const [ip, dir] = process.argv.slice(2);
if (!ip || !dir) throw new Error('usage: forger.ts <ip> <static-dir>');
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const relay = await createRelay({ host: ip, port: 0, staticDir: dir });
const agent = await createNodeAgent({
  relay: relay.address.url,
  identity: createIdentity(),
  certificate: await createDtlsCertificate(),
  trust: createMemoryTrustStore(),
  peer: { interfaceAddresses: [ip] },
});
const secret = new Uint8Array(16).fill(1);
agent.acceptSecret(secret);
const sign: RoomSigner = (domain, message) => agent.signRoomMessage(domain, message);
const entry = (
  publicKey: Uint8Array,
  name: string,
  role: 'host' | 'player',
  by: RoomSigner,
): RosterEntry => ({
  publicKey,
  name,
  role,
  joinedAt: Date.now(),
  nameSignature: signRoomName(by, 'arena', agent.id, name),
});

agent.onConnection((connection) => {
  void weriftRoomPlatform.acceptChannels(connection.peer).then((channels) => {
    const link = createRoomLink(channels, {
      onFrame: (frame) => {
        if (frame.type !== 'join') return;
        const hostEntry = entry(agent.identity.publicKey, 'Host', 'host', sign);
        const player: RosterEntry = {
          publicKey: connection.remote.publicKey,
          name: frame.name,
          role: 'player',
          joinedAt: Date.now(),
          nameSignature: frame.nameSignature,
        };
        const honest = sealRoster(sign, {
          room: 'arena',
          version: 1,
          members: [hostEntry, player],
          departed: [],
        });
        link.sendControl({ type: 'roster', body: honest });
        const mallory = createIdentity();
        const other = identitySigner(createIdentity());
        const forgedEntry = entry(mallory.publicKey, 'Mallory', 'player', other);
        link.sendControl({
          type: 'roster',
          body: sealRoster(sign, {
            room: 'arena',
            version: 2,
            members: [hostEntry, player, forgedEntry],
            departed: [],
          }),
        });
        const honestMallory = entry(mallory.publicKey, 'Mallory', 'player', identitySigner(mallory));
        link.sendControl({
          type: 'roster',
          body: sealRoster(other, {
            room: 'arena',
            version: 3,
            members: [hostEntry, player, honestMallory],
            departed: [],
          }),
        });
        link.sendControl({ type: 'roster', body: honest });
        link.startHeartbeat();
        emit({ event: 'forged' });
      },
      onRejected: () => {},
      onEnd: () => {},
    });
  });
});
emit({
  event: 'ready',
  id: agent.id,
  invite: encodeRoomInvite({ room: 'arena', host: agent.id, secret }),
  url: relay.address.url,
});
process.on('SIGTERM', () => {
  void (async () => {
    await agent.close();
    await relay.close({ reason: 'shutdown' });
    process.exit(0);
  })();
});
