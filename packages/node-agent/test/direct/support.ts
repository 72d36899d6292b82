/**
 * Test helpers for direct connect: an identity with its certificate and trust store, paired pairs,
 * a listener on the netns address with an app that echoes on any channel, and a raw-werift
 * connector that never authenticates (to prove what a hostile peer gets).
 */
import {
  type Card,
  createIdentity,
  createMemoryTrustStore,
  type Identity,
  publicIdentity,
  type TrustStore,
} from '@lanrtc/signal-core';
import { cardToOffer, DIRECT_AUTH_CHANNEL_ID, DIRECT_AUTH_LABEL } from '@lanrtc/signal-core/protocol';
import { rememberPeer } from '@lanrtc/signal-core/trust';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import {
  certificateFingerprint,
  createDirectListener,
  createDtlsCertificate,
  createNodePeer,
  type DirectListener,
  type DirectListenerInit,
  type DtlsCertificate,
  type NodeConnection,
} from '../../src/index.js';
import { waitFor } from '../peer/pair.js';

export const HOST = '10.77.0.1';

/**
 * What a test opened, closed after it (newest first): `own(x)` registers `x.close()`, `defer(f)`
 * any other step; register `afterEach(closeAll)` in the test file.
 */
export function owned() {
  const steps: (() => Promise<unknown>)[] = [];
  return {
    own<T extends { close(): Promise<unknown> }>(x: T): T {
      steps.push(() => x.close());
      return x;
    },
    defer(step: () => Promise<unknown>): void {
      steps.push(step);
    },
    async closeAll(): Promise<void> {
      for (const step of steps.splice(0).reverse()) await step();
    },
  };
}

/** One side's long-lived material. */
export interface Party {
  identity: Identity;
  certificate: DtlsCertificate;
  trust: TrustStore;
}

export async function party(): Promise<Party> {
  return {
    identity: createIdentity(),
    certificate: await createDtlsCertificate(),
    trust: createMemoryTrustStore(),
  };
}

/** Make `a` and `b` trust each other as if they had paired. */
export async function pairParties(a: Party, b: Party): Promise<void> {
  await rememberPeer(a.trust, {
    identity: publicIdentity(b.identity.publicKey),
    name: 'b',
    fingerprints: [certificateFingerprint(b.certificate)],
    pairedAt: Date.now(),
  });
  await rememberPeer(b.trust, {
    identity: publicIdentity(a.identity.publicKey),
    name: 'a',
    fingerprints: [certificateFingerprint(a.certificate)],
    pairedAt: Date.now(),
  });
}

/** Echo every message on every channel the remote opens after authentication. */
export function echoApp(connections: NodeConnection[]): (c: NodeConnection) => void {
  return (connection) => {
    connections.push(connection);
    connection.peer.pc.onDataChannel.subscribe((channel) => {
      channel.onMessage.subscribe((data) => channel.send(data));
    });
  };
}

/** A listener on the netns address, echoing. */
export async function startListener(
  device: Party,
  extra: Partial<DirectListenerInit> = {},
): Promise<{ listener: DirectListener; connections: NodeConnection[] }> {
  const connections: NodeConnection[] = [];
  const listener = await createDirectListener({
    identity: device.identity,
    certificate: device.certificate,
    trust: device.trust,
    name: 'device',
    addresses: [HOST],
    port: 0,
    ...extra,
  });
  listener.onConnection(echoApp(connections));
  return { listener, connections };
}

/** Open `label` on a connection and round-trip one message. */
export async function echo(connection: NodeConnection, label = 'app', text = 'ping'): Promise<string> {
  const channel = connection.peer.createDataChannel(label);
  await waitFor(channel.stateChanged, (s) => s === 'open', 5_000, 'app channel open');
  const reply = waitFor(channel.onMessage, () => true, 5_000, 'echo');
  channel.send(text);
  const data = await reply;
  return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
}

/**
 * A peer that connects like `connectDirect` but never authenticates: it opens an application
 * channel and keeps sending on it. Resolves once its transport is connected.
 */
export async function rogueConnector(
  card: Card,
  certificate: DtlsCertificate,
  timeoutMs = 5_000,
  address = HOST,
): Promise<{ pc: RTCPeerConnection; app: RTCDataChannel; received: string[] }> {
  const pc = createNodePeer({ certificate, interfaceAddresses: [address] });
  await pc.setRemoteDescription(cardToOffer(card));
  pc.createDataChannel(DIRECT_AUTH_LABEL, { negotiated: true, id: DIRECT_AUTH_CHANNEL_ID });
  const app = pc.createDataChannel('app');
  const received: string[] = [];
  app.onMessage.subscribe((d) => received.push(String(d)));
  pc.onDataChannel.subscribe((ch) => ch.onMessage.subscribe((d) => received.push(String(d))));
  await pc.setLocalDescription(await pc.createAnswer());
  try {
    await waitFor(pc.connectionStateChange, (s) => s === 'connected', timeoutMs, 'rogue connected');
  } catch (error) {
    await pc.close();
    throw error;
  }
  return { pc, app, received };
}
