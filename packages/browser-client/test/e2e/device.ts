/**
 * TEST-ONLY device for the browser e2e, run by lan-harness inside LAN host A:
 *   device.ts <ip> <port> <static-dir>
 * A Node agent (werift bound to <ip>) showing a PIN, plus one HTTP server on <ip>:<port> that serves
 * the page (index.html, app.js from <static-dir>) and a long-poll signalling bridge: each browser
 * endpoint `/signal/<id>/{poll,send}` is attached to the same in-memory switch as the device's agent.
 * Reports on stdout as JSON lines: ready {id, pin, fingerprint}, paired, connection, rtpPackets,
 * outgoing, sessionError. Reads `connect <browser-id>` lines on stdin.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { certificateFingerprint, createDtlsCertificate, createNodeAgent } from '@lanrtc/node-agent';
import {
  createIdentity,
  createMemoryTrustStore,
  type SignalTransport,
  type TransportFrame,
} from '@lanrtc/signal-core';
import { toHex } from '@lanrtc/signal-core/codec';
import { createMemoryNetwork } from '@lanrtc/signal-core/testing';

const [ip, portText, staticDir] = process.argv.slice(2);
if (!ip || !portText || !staticDir) throw new Error('usage: device.ts <ip> <port> <static-dir>');
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const net = createMemoryNetwork();
const identity = createIdentity();
const certificate = await createDtlsCertificate();
const trust = createMemoryTrustStore();
const agent = await createNodeAgent({
  identity,
  certificate,
  transport: net.connect(identity.id),
  trust,
  peer: { interfaceAddresses: [ip] },
  timeoutMs: 10_000,
  // The default channel when offering, and count RTP from the browser's video track (`?media=1` visit).
  setup: (peer, context) => {
    if (context.role === 'offerer') peer.createDataChannel('lanrtc');
    peer.pc.onTrack.subscribe((track) => {
      let packets = 0;
      const sub = track.onReceiveRtp.subscribe(() => {
        packets += 1;
        if (packets === 10) {
          emit({ rtpPackets: packets, kind: track.kind });
          sub.unSubscribe();
        }
      });
    });
  },
});
agent.onSessionError((e, remoteId) => emit({ sessionError: e.name, remoteId }));
agent.onConnection((c) => {
  emit({ connection: c.remote.id, remoteFingerprint: toHex(c.remoteFingerprint) });
  void c.peer.channel('lanrtc').then((ch) => ch.onMessage.subscribe((m) => ch.send(`echo:${m.toString()}`)));
});
const display = agent.showPin();

display.onPaired((r) => emit({ paired: r.peer.id }));
display.onFailure((e) => emit({ pairingFailed: e.name, pin: display.pin() }));

/** A browser endpoint on the switch; frames wait in `buffer` until a poll takes them. */
interface Bridge {
  readonly transport: SignalTransport;
  readonly buffer: TransportFrame[];
  readonly waiters: ((frame: TransportFrame) => void)[];
}
const bridges = new Map<string, Bridge>();
const ID = /^[a-z2-7]{8,64}$/;

function bridge(id: string): Bridge {
  let b = bridges.get(id);
  if (b) return b; // a reloaded page polls the same endpoint again
  const fresh: Bridge = { transport: net.connect(id), buffer: [], waiters: [] };
  bridges.set(id, fresh);
  void (async () => {
    for await (const frame of fresh.transport.messages) {
      const waiter = fresh.waiters.shift();
      if (waiter) waiter(frame);
      else if (fresh.buffer.length < 256) fresh.buffer.push(frame);
    }
  })();
  b = fresh;
  return b;
}

async function body(req: IncomingMessage, limit = 64 * 1024): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function sendFrame(res: ServerResponse, frame: TransportFrame | undefined): void {
  if (!frame) {
    res.writeHead(204).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-from': frame.from });
  res.end(Buffer.from(frame.bytes));
}

const files: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html'],
  '/app.js': ['app.js', 'text/javascript'],
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${ip}`);
  const file = files[url.pathname];
  if (req.method === 'GET' && file) {
    res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' });
    res.end(readFileSync(join(staticDir, file[0])));
    return;
  }
  if (req.method === 'GET' && url.pathname === '/device.json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: identity.id }));
    return;
  }
  const m = /^\/signal\/([^/]+)\/(poll|send)$/.exec(url.pathname);
  const id = m?.[1];
  if (!m || !id || !ID.test(id) || id === identity.id) {
    res.writeHead(404).end();
    return;
  }
  const b = bridge(id);
  if (m[2] === 'poll' && req.method === 'GET') {
    const queued = b.buffer.shift();
    if (queued) return sendFrame(res, queued);
    let done = false;
    const waiter = (frame: TransportFrame) => {
      done = true;
      clearTimeout(timer);
      sendFrame(res, frame);
    };
    const drop = () => {
      const i = b.waiters.indexOf(waiter);
      if (i >= 0) b.waiters.splice(i, 1);
    };
    const timer = setTimeout(() => {
      drop();
      if (!done) sendFrame(res, undefined);
    }, 10_000);
    req.on('close', () => {
      clearTimeout(timer);
      drop();
    });
    b.waiters.push(waiter);
    return;
  }
  if (m[2] === 'send' && req.method === 'POST') {
    const to = url.searchParams.get('to') ?? '';
    body(req)
      .then((bytes) => b.transport.send(to, bytes))
      .then(() => res.writeHead(204).end())
      .catch(() => res.writeHead(400).end());
    return;
  }
  res.writeHead(405).end();
});

server.listen(Number(portText), ip, () => {
  emit({
    ready: true,
    id: identity.id,
    pin: display.pin(),
    fingerprint: toHex(certificateFingerprint(certificate)),
  });
});

// `connect <id>` on stdin: the device calls the browser (the page answers: its incoming-connection path).
createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, id] = line.trim().split(' ');
  if (command !== 'connect' || !id) return;
  void (async () => {
    try {
      const c = await agent.connect(id);
      const ch = await c.peer.channel('lanrtc');
      const reply = new Promise<string>((resolve) => ch.onMessage.subscribe((m) => resolve(m.toString())));
      ch.send('ping');
      emit({ outgoing: c.remote.id, reply: await reply, remoteFingerprint: toHex(c.remoteFingerprint) });
    } catch (error) {
      emit({ outgoingError: error instanceof Error ? error.name : String(error) });
    }
  })();
});

const shutdown = () => {
  server.closeAllConnections();
  server.close();
  void agent.close().finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
