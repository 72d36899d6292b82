import {
  createMemoryLanePair,
  createMemorySink,
  createMemorySource,
  decodeTransferFrame,
  encodeTransferFrame,
  type MemoryTransferLane,
  negotiateReceiverLane,
  negotiateSenderLane,
  nobleSha256,
  runReceiver,
  runSender,
  type TlsLaneListener,
  type TransferLane,
} from '@lanrtc/signal-core/transfer';
import { describe, expect, it } from 'vitest';
import { bytesOf, rawPeer, rejection, sameBytes, settle } from './support.js';

const TOKEN = new Uint8Array(32).fill(0x5a);
const ENDPOINTS = [{ host: '10.0.0.2', port: 40001 }];

/**
 * A stand-in for the platform's TLS lane (node-agent builds the real one): a memory lane pair of
 * kind `tls` whose listening end accepts only a connection that presents the token first.
 */
function fakeTls() {
  const [client, server] = createMemoryLanePair({ kind: 'tls', maxFrameBytes: 4 * 1024 * 1024 });
  let closed = false;
  let resolveAccepted: (lane: TransferLane) => void = () => {};
  const accepted = new Promise<TransferLane>((resolve) => {
    resolveAccepted = resolve;
  });
  // The listener checks the first frame, then hands the lane over (as the platform's must).
  const off = server.onFrame((bytes) => {
    off();
    const frame = decodeTransferFrame(bytes);
    if (frame.type === 'token' && sameBytes(frame.token, TOKEN)) resolveAccepted(server);
    else server.close();
  });
  const listener: TlsLaneListener = {
    endpoints: ENDPOINTS,
    token: TOKEN,
    accepted,
    close: () => {
      closed = true;
    },
  };
  const connect = async (offer: { token: Uint8Array }) => {
    await client.write(encodeTransferFrame({ type: 'token', token: offer.token }));
    return client as TransferLane;
  };
  return { listener, connect, client, server, listenerClosed: () => closed };
}

async function sendOver(sender: TransferLane, receiver: TransferLane) {
  const data = bytesOf(300_000, 41);
  const source = createMemorySource([{ path: 'f', data }], { chunkSize: 65536 });
  const sink = createMemorySink();
  const [sent] = await Promise.all([
    runSender({ lane: sender, source }),
    runReceiver({ lane: receiver, sink, sha256: nobleSha256, decide: () => true }),
  ]);
  expect(sameBytes(sink.final.get('f'), data)).toBe(true);
  return sent;
}

describe('lane negotiation', () => {
  it('uses the TLS lane when it connects, and the transfer runs over it', async () => {
    const [s, r] = createMemoryLanePair();
    const tls = fakeTls();
    let offeredEndpoints: unknown;
    const [senderLane, receiverLane] = await Promise.all([
      negotiateSenderLane({
        control: s,
        connectTls: async (offer) => {
          offeredEndpoints = offer.endpoints;
          return tls.connect(offer);
        },
      }),
      negotiateReceiverLane({ control: r, listenTls: async () => tls.listener }),
    ]);
    expect(senderLane.kind).toBe('tls');
    expect(receiverLane.kind).toBe('tls');
    expect(offeredEndpoints).toEqual(ENDPOINTS);
    expect(tls.listenerClosed()).toBe(true);
    const sent = await sendOver(senderLane, receiverLane);
    expect(sent.lane).toBe('tls');
    for (const lane of [s, r, tls.client, tls.server]) lane.close();
  });

  it('falls back to the DataChannel when TLS does not connect, and loses no frame sent right behind the switch', async () => {
    const [s, r] = createMemoryLanePair();
    const tls = fakeTls();
    const data = bytesOf(200_000, 42);
    const sink = createMemorySink();
    // Each side runs its engine as soon as its own negotiation ends, as an application does: the
    // sender's OFFER is then delivered in the same task as its USE_DATACHANNEL.
    const [sent] = await Promise.all([
      negotiateSenderLane({ control: s, connectTls: () => Promise.reject(new Error('ECONNREFUSED')) }).then(
        (lane) =>
          runSender({ lane, source: createMemorySource([{ path: 'f', data }]), stallTimeoutMs: 2000 }),
      ),
      negotiateReceiverLane({ control: r, listenTls: async () => tls.listener }).then((lane) =>
        runReceiver({ lane, sink, sha256: nobleSha256, decide: () => true, stallTimeoutMs: 2000 }),
      ),
    ]);
    expect(sent.lane).toBe('datachannel');
    expect(sameBytes(sink.final.get('f'), data)).toBe(true);
    expect(tls.listenerClosed()).toBe(true);
    s.close();
    r.close();
  });

  it('gives TLS up after its timeout and falls back', async () => {
    const [s, r] = createMemoryLanePair();
    const tls = fakeTls();
    let aborted = false;
    const started = Date.now();
    const [senderLane] = await Promise.all([
      negotiateSenderLane({
        control: s,
        tlsTimeoutMs: 100,
        connectTls: ({ signal }) =>
          new Promise<TransferLane>((_, reject) =>
            signal.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('aborted'));
            }),
          ),
      }),
      negotiateReceiverLane({ control: r, listenTls: async () => tls.listener }),
    ]);
    expect(senderLane.kind).toBe('datachannel');
    expect(aborted).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    s.close();
    r.close();
  });

  it('goes straight to the DataChannel when the receiver has no TLS listener', async () => {
    const [s, r] = createMemoryLanePair();
    let tried = false;
    const [senderLane] = await Promise.all([
      negotiateSenderLane({
        control: s,
        connectTls: async () => {
          tried = true;
          throw new Error('unused');
        },
      }),
      negotiateReceiverLane({
        control: r,
        listenTls: () => Promise.reject(new Error('no address')),
      }),
    ]);
    expect(senderLane.kind).toBe('datachannel');
    expect(tried).toBe(false);
    s.close();
    r.close();
  });

  it('fails with TransferLaneError when the only allowed lane is TLS and it does not connect', async () => {
    const [s, r] = createMemoryLanePair();
    const tls = fakeTls();
    const [sender, receiver] = await Promise.all([
      settle(
        negotiateSenderLane({
          control: s,
          lanes: ['tls'],
          connectTls: () => Promise.reject(new Error('refused')),
        }),
      ),
      settle(
        negotiateReceiverLane({ control: r, listenTls: async () => tls.listener, stallTimeoutMs: 2000 }),
      ),
    ]);
    expect(rejection(sender).name).toBe('TransferLaneError');
    const error = rejection(receiver);
    expect(error.name).toBe('TransferAbortedError');
    expect(error.reason).toBe('TransferLaneError');
    s.close();
    r.close();
  });

  it('refuses a LANE choice the sender did not offer (TransferProtocolError)', async () => {
    const [s, r] = createMemoryLanePair();
    const receiver = rawPeer(r as MemoryTransferLane);
    const sending = settle(negotiateSenderLane({ control: s, lanes: ['datachannel'] }));
    expect((await receiver.next('hello')).lanes).toEqual(['datachannel']);
    await receiver.send({ type: 'lane', lane: 'tls', token: TOKEN, endpoints: ENDPOINTS });
    expect(rejection(await sending).name).toBe('TransferProtocolError');
    expect((await receiver.next('abort')).reason).toBe('TransferProtocolError');
    s.close();
  });

  it('a receiver that never answers HELLO: TransferStalledError', async () => {
    const [s, r] = createMemoryLanePair();
    rawPeer(r);
    const error = rejection(await settle(negotiateSenderLane({ control: s, stallTimeoutMs: 100 })));
    expect(error.name).toBe('TransferStalledError');
    s.close();
  });

  it('a receiver that is busy: TransferDeclinedError (busy) at the sender', async () => {
    const [s, r] = createMemoryLanePair();
    const receiver = rawPeer(r);
    const sending = settle(negotiateSenderLane({ control: s }));
    await receiver.next('hello');
    await receiver.send({ type: 'decline', reason: 'busy', text: 'another transfer is running' });
    const error = rejection(await sending);
    expect(error.name).toBe('TransferDeclinedError');
    expect(error.reason).toBe('busy');
    expect(error.message).toBe('the receiver declined the offer (busy): another transfer is running');
    s.close();
  });
});
