/**
 * werift patch §8 (docs/werift-patches.md): the DTLS client sends its ClientHello as soon as ICE is
 * connected, and a DTLS server keeps a ClientHello that arrives before its own DTLS transport starts.
 * Unpatched werift slept 100 ms before the ClientHello, so that a werift peer's DTLS server (whose ICE
 * can report connected a 20 ms scheduling tick later) existed when it came; a ClientHello it missed
 * cost werift's 500 ms flight retransmission. Two werift peers in one process, ESM and CommonJS
 * builds: the offerer is ICE controlling and DTLS server, the answerer the DTLS client.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type * as Werift from 'werift';
import { createDtlsCertificate, type DtlsCertificate } from '../../src/index.js';
import { IN_NETNS, settle, waitFor } from '../peer/pair.js';

const builds = {
  esm: (await import('werift')) as typeof Werift,
  cjs: createRequire(import.meta.url)('werift') as typeof Werift,
};
const HOST = '10.77.0.1';
const CONTENT_HANDSHAKE = 22;
const CLIENT_HELLO = 1;

/** The parts of werift's RTCDtlsTransport this test watches or wraps. */
interface DtlsTransportView {
  role: string;
  onStateChange: { subscribe(f: (s: string) => void): unknown };
  iceTransport: { connection: { send(data: Buffer): Promise<void> } };
  start(): Promise<void>;
}

function peer(w: typeof Werift, certificate: DtlsCertificate): Werift.RTCPeerConnection {
  return new w.RTCPeerConnection({
    iceServers: [],
    bundlePolicy: 'max-bundle',
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [HOST],
    iceInterfaceAddresses: { udp4: HOST },
    dtls: { keys: { ...certificate, signatureHash: { ...certificate.signatureHash } } },
  });
}

async function gathered(pc: Werift.RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await waitFor(pc.iceGatheringStateChange, (s) => s === 'complete', 5_000, 'ICE gathering');
}

function transportOf(pc: Werift.RTCPeerConnection): DtlsTransportView {
  const t = pc.dtlsTransports[0] as unknown as DtlsTransportView | undefined;
  if (!t) throw new Error('no DTLS transport');
  return t;
}

/**
 * Connect two peers and time the DTLS client: when its transport started (ICE connected), when each
 * ClientHello left, when DTLS connected. `serverDelayMs` postpones the server's `start`, as a
 * server whose ICE reports connected later than the client's would.
 */
async function connect(w: typeof Werift, serverDelayMs: number) {
  const [c1, c2] = await Promise.all([createDtlsCertificate(), createDtlsCertificate()]);
  const server = peer(w, c1);
  const client = peer(w, c2);
  const t = { clientStart: 0, clientConnected: 0, serverStart: 0, hellos: [] as number[] };
  try {
    server.createDataChannel('x');
    await server.setLocalDescription(await server.createOffer());
    await gathered(server);
    const serverDtls = transportOf(server);
    const start = serverDtls.start;
    serverDtls.start = async function (this: unknown) {
      await settle(serverDelayMs);
      t.serverStart = performance.now();
      return start.call(this);
    };
    await client.setRemoteDescription(server.localDescription as Werift.RTCSessionDescription);
    const clientDtls = transportOf(client);
    const connection = clientDtls.iceTransport.connection;
    const send = connection.send.bind(connection);
    connection.send = (data: Buffer) => {
      if (data[0] === CONTENT_HANDSHAKE && data[13] === CLIENT_HELLO) t.hellos.push(performance.now());
      return send(data);
    };
    clientDtls.onStateChange.subscribe((s) => {
      if (s === 'connecting') t.clientStart = performance.now();
      if (s === 'connected') t.clientConnected = performance.now();
    });
    const connected = waitFor(client.connectionStateChange, (s) => s === 'connected', 8_000, 'client');
    await client.setLocalDescription(await client.createAnswer());
    await gathered(client);
    await server.setRemoteDescription(client.localDescription as Werift.RTCSessionDescription);
    await connected;
    return { ...t, roles: [serverDtls.role, clientDtls.role] };
  } finally {
    await Promise.all([server.close(), client.close()]);
    await settle(50);
  }
}

describe.skipIf(!IN_NETNS)('werift patch: DTLS client starts without a sleep (netns)', () => {
  for (const [name, w] of Object.entries(builds)) {
    it(`${name}: the ClientHello leaves as soon as ICE is connected`, async () => {
      const r = await connect(w, 0);
      expect(r.roles).toEqual(['server', 'client']);
      const helloDelay = (r.hellos[0] ?? Number.POSITIVE_INFINITY) - r.clientStart;
      // Unpatched: ≥ 100 ms (the sleep). Patched: the same turn of the event loop.
      expect(helloDelay).toBeLessThan(50);
      // Flight 1 and flight 3 (the ClientHello with the server's cookie), nothing retransmitted.
      expect(r.hellos).toHaveLength(2);
    });

    it(`${name}: a DTLS server keeps a ClientHello that came before its transport started`, async () => {
      const r = await connect(w, 200);
      expect(r.roles).toEqual(['server', 'client']);
      // The case under test: the first ClientHello reached the server before its DTLS socket existed.
      expect(r.hellos[0]).toBeLessThan(r.serverStart);
      // It was kept and answered: no retransmission (werift's first one comes 500 ms after the first send).
      expect(r.hellos).toHaveLength(2);
      expect(r.clientConnected - r.serverStart).toBeLessThan(300);
    });
  }
});
