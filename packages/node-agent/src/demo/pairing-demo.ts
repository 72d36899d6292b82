/**
 * `pnpm start`: two Node agents — a "device" and a "phone" — meet for the first time, pair with the
 * PIN the device shows, open an authenticated werift DataChannel and exchange a message, printing
 * each step. Signalling is an in-memory switch; the WebRTC traffic is real UDP. Under
 * scripts/netns-run.mjs it runs in a private network namespace (werift binds 10.77.0.1 there);
 * with LANRTC_NETNS=off it binds loopback only. No STUN/TURN server is ever contacted.
 */
import { type Connection, createIdentity, createMemoryTrustStore } from '@lanrtc/signal-core';
import { toHex } from '@lanrtc/signal-core/codec';
import { createMemoryNetwork } from '@lanrtc/signal-core/testing';
import {
  certificateFingerprint,
  createDtlsCertificate,
  createNodeAgent,
  type WeriftSessionPeer,
} from '../index.js';

const address = process.env.LANRTC_IN_NETNS === '1' ? '10.77.0.1' : '127.0.0.1';
const t0 = performance.now();
const step = (who: string, text: string) =>
  console.log(`${(performance.now() - t0).toFixed(0).padStart(6)} ms  ${who.padEnd(7)} ${text}`);
const short = (bytes: Uint8Array) => `${toHex(bytes).slice(0, 16)}…`;

async function makeAgent(name: string, net: ReturnType<typeof createMemoryNetwork>) {
  const identity = createIdentity();
  const certificate = await createDtlsCertificate();
  const trust = createMemoryTrustStore();
  let onConnection: (c: Connection<WeriftSessionPeer>) => void = () => {};
  const agent = await createNodeAgent({
    identity,
    certificate,
    trust,
    transport: net.connect(identity.id),
    peer: { interfaceAddresses: [address] },
  });
  agent.onConnection((c) => onConnection(c));
  agent.onSessionError((e) => step(name, `session error: ${e.name}`));
  step(name, `identity ${identity.id}, DTLS certificate ${short(certificateFingerprint(certificate))}`);
  return {
    identity,
    trust,
    agent,
    nextConnection: () => new Promise<Connection<WeriftSessionPeer>>((r) => (onConnection = r)),
  };
}

async function main(): Promise<void> {
  console.log(`lanrtc pairing demo — WebRTC on ${address}, signalling in memory, no STUN/TURN\n`);
  const net = createMemoryNetwork();
  const device = await makeAgent('device', net);
  const phone = await makeAgent('phone', net);

  const display = device.agent.showPin();
  display.onPaired((r) =>
    step('device', `paired with ${r.peer.id} (its certificate ${short(r.peerFingerprint)})`),
  );
  const pin = display.pin();
  step('device', `pairing open — PIN shown on screen: ${pin}`);

  step('phone', `user types ${pin}; running CPace (ristretto255) over signed envelopes`);
  const paired = await phone.agent.enterPin(device.identity.id, pin);
  step('phone', `paired with ${paired.peer.id}; key confirmed both ways, identities and certificates bound`);
  display.close();

  const incoming = device.nextConnection();
  step('phone', 'connecting: signed offer → signed answer → trickled candidates');
  const conn = await phone.agent.connect(device.identity.id);
  step('phone', `DTLS up; certificate seen ${short(conn.remoteFingerprint)} = the one the device signed`);
  const deviceConn = await incoming;
  step('device', `accepted ${deviceConn.remote.id}; its certificate checked the same way`);

  const [phoneChannel, deviceChannel] = await Promise.all([
    conn.peer.channel('lanrtc'),
    deviceConn.peer.channel('lanrtc'),
  ]);
  deviceChannel.onMessage.subscribe((m) => {
    step('device', `received "${m.toString()}", replying`);
    deviceChannel.send(`hello phone, I got: ${m.toString()}`);
  });
  const reply = new Promise<string>((r) => phoneChannel.onMessage.subscribe((m) => r(m.toString())));
  step('phone', 'DataChannel open; sending "hello device"');
  phoneChannel.send('hello device');
  step('phone', `received "${await reply}"`);

  await conn.close();
  await deviceConn.close();
  step('phone', 'closed; reconnecting without a PIN (the pairing is remembered)');
  const incomingAgain = device.nextConnection();
  const again = await phone.agent.connect(device.identity.id);
  const deviceAgain = await incomingAgain;
  step('phone', `connected again to ${again.remote.id} — no PIN asked`);
  await again.close();
  await deviceAgain.close();
  await phone.agent.close();
  await device.agent.close();
  console.log('\ndone: paired, connected, verified, exchanged a message, reconnected.');
}

main().catch((error: unknown) => {
  console.error('demo failed:', error);
  process.exitCode = 1;
});
