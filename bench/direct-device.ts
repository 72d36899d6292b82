/**
 * bench:direct's Node device, run by lan-harness inside LAN host A:
 *   direct-device.ts <ip> <relay-url>
 * ONE identity, certificate and trust store behind both paths: a direct-connect listener on <ip>
 * (createDirectListener: ICE-lite, one fixed UDP port, in-band auth) and a Node agent logged into the
 * relay at <relay-url> (createNodeAgent over connectRelay). Pairing (PIN, over the relay) stores a
 * peer in the shared trust store, so it can then connect either way. Both apps echo every message
 * on every channel they are handed. JSON lines on stdout: ready (id, pin, cardText), paired, stats;
 * stdin: `pin` (the current PIN), `stats` (listener counters).
 */
import { createInterface } from 'node:readline';
import { createDirectListener, createDtlsCertificate, createNodeAgent } from '@lanrtc/node-agent';
import { connectRelay } from '@lanrtc/relay';
import { createIdentity, createMemoryTrustStore } from '@lanrtc/signal-core';
import type { RTCDataChannel } from 'werift';

const [ip, relayUrl] = process.argv.slice(2);
if (!ip || !relayUrl) throw new Error('usage: direct-device.ts <ip> <relay-url>');
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const identity = createIdentity();
const certificate = await createDtlsCertificate();
const trust = createMemoryTrustStore();
const echo = (channel: RTCDataChannel) => channel.onMessage.subscribe((m) => channel.send(m));

const listener = await createDirectListener({
  identity,
  certificate,
  trust,
  name: 'bench device',
  addresses: [ip],
  port: 0,
  // Runs close their connections; the cap only guards against a slow route clean-up skewing a run.
  maxPeers: 64,
});
listener.onPeerError((error) => emit({ peerError: error.name, message: error.message }));
listener.onConnection((c) => c.peer.pc.onDataChannel.subscribe(echo));

const transport = await connectRelay({ url: relayUrl, identity });
const agent = await createNodeAgent({
  identity,
  certificate,
  transport,
  trust,
  peer: { interfaceAddresses: [ip] },
});
agent.onSessionError((e, remoteId) => emit({ sessionError: e.name, remoteId }));
agent.onConnection((c) => void c.peer.channel('lanrtc').then(echo));
const display = agent.showPin();

display.onPaired((r) => emit({ paired: r.peer.id }));
display.onFailure((e) => emit({ pairingFailed: e.name }));

emit({
  ready: true,
  id: identity.id,
  pin: display.pin(),
  cardText: listener.cardText(),
  port: listener.port,
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = line.trim();
  if (command === 'pin') emit({ pin: display.pin() });
  else if (command === 'stats') emit({ stats: { ...listener.stats } });
});

const shutdown = () => {
  void (async () => {
    await agent.close();
    await listener.close();
    process.exit(0);
  })();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
