/**
 * TEST-ONLY Node device for the direct-connect e2e, run by lan-harness inside LAN host A:
 *   device.ts <ip> <authDeadlineMs>
 * A `createDirectListener` (node-agent, werift, ICE-lite) on <ip>, one fixed UDP port, with a
 * one-time QR pairing open. Its app echoes every message on every channel of an authenticated
 * connection (`echo:<text>`) and, on `broadcast <text>` (stdin), sends <text> on a fresh `news`
 * channel to every connection it has. JSON lines on stdout: ready (id, fingerprint, card and pairing
 * card texts), connection, ended, peerError, stats.
 */
import { createInterface } from 'node:readline';
import {
  certificateFingerprint,
  createDirectListener,
  createDtlsCertificate,
  type NodeConnection,
} from '@lanrtc/node-agent';
import { createIdentity, createMemoryTrustStore } from '@lanrtc/signal-core';
import { toHex } from '@lanrtc/signal-core/codec';

const [ip, deadline] = process.argv.slice(2);
if (!ip) throw new Error('usage: device.ts <ip> <authDeadlineMs>');
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const identity = createIdentity();
const certificate = await createDtlsCertificate();
const connections = new Set<NodeConnection>();
const listener = await createDirectListener({
  identity,
  certificate,
  trust: createMemoryTrustStore(),
  name: 'e2e device',
  deviceTypes: ['files'],
  addresses: [ip],
  port: 0,
  authDeadlineMs: Number(deadline ?? 5000),
});
listener.onConnection((c) => {
  connections.add(c);
  emit({ connection: c.remote.id, paired: c.paired, remoteFingerprint: toHex(c.remoteFingerprint) });
  c.peer.pc.onDataChannel.subscribe((channel) => {
    channel.onMessage.subscribe((data) => {
      const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
      emit({ message: text, from: c.remote.id, label: channel.label });
      channel.send(`echo:${text}`);
    });
  });
  void c.ended.then((reason) => {
    connections.delete(c);
    emit({ ended: c.remote.id, reason });
  });
});
listener.onPeerError((error) => emit({ peerError: error.name }));
const pairing = listener.openQrPairing();
emit({
  ready: true,
  id: identity.id,
  fingerprint: toHex(certificateFingerprint(certificate)),
  cardText: listener.cardText(),
  pairingText: pairing.text,
  port: listener.port,
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, ...rest] = line.split(' ');
  if (command === 'broadcast') {
    const text = rest.join(' ');
    for (const c of connections) {
      const channel = c.peer.createDataChannel('news');
      channel.stateChanged.subscribe((state) => state === 'open' && channel.send(text));
    }
    emit({ broadcast: text, to: connections.size });
  } else if (command === 'stats') {
    emit({ stats: { ...listener.stats } });
  }
});
process.on('SIGTERM', () => {
  void listener.close().then(() => process.exit(0));
});
