/**
 * Two Node agents talking, for tests in any package: a werift agent with a fresh identity and
 * certificate over a given signalling transport, pairing by PIN, and a DataChannel echo.
 * Imported by relative path from tests (never from src); its `@lanrtc/*` imports resolve through
 * test/package.json.
 */
import {
  certificateFingerprint,
  createDtlsCertificate,
  createNodeAgent,
  type NodeAgentInit,
  type WeriftSessionPeer,
} from '@lanrtc/node-agent';
import {
  type Connection,
  createIdentity,
  createMemoryTrustStore,
  type Identity,
  type LanrtcError,
  type SignalTransport,
} from '@lanrtc/signal-core';
import { equalBytes } from '@lanrtc/signal-core/codec';
import { expect, vi } from 'vitest';

/** Options of `createTestNode`. */
export interface TestNodeInit<T extends SignalTransport> {
  /** The signalling transport for the node's identity (an in-memory switch, a relay client, …). */
  readonly transport: (identity: Identity) => T | Promise<T>;
  /** Addresses werift binds (default the private namespace's 10.77.0.1). */
  readonly interfaceAddresses?: readonly string[];
  /** The agent's signalling deadline (default 8 000 ms). */
  readonly timeoutMs?: number;
  /** The agent's `setup` hook (default: the offerer opens the `lanrtc` channel). */
  readonly setup?: NodeAgentInit['setup'];
}

/** A werift agent with what a test looks at: its identity, trust store, connections and errors. */
export async function createTestNode<T extends SignalTransport>(init: TestNodeInit<T>) {
  const identity = createIdentity();
  const certificate = await createDtlsCertificate();
  const trust = createMemoryTrustStore();
  const incoming: Connection<WeriftSessionPeer>[] = [];
  const errors: LanrtcError[] = [];
  const transport = await init.transport(identity);
  const agent = await createNodeAgent({
    identity,
    certificate,
    transport,
    trust,
    peer: { interfaceAddresses: init.interfaceAddresses ?? ['10.77.0.1'] },
    timeoutMs: init.timeoutMs ?? 8_000,
    ...(init.setup ? { setup: init.setup } : {}),
  });
  agent.onConnection((c) => incoming.push(c));
  agent.onSessionError((e) => errors.push(e));
  return {
    identity,
    trust,
    agent,
    transport,
    incoming,
    errors,
    fingerprint: certificateFingerprint(certificate),
  };
}

/** A node made by `createTestNode`. */
export type TestNode = Awaited<ReturnType<typeof createTestNode>>;

/**
 * Device `b` shows a PIN and phone `a` types it; checks that `a` paired with `b` and its certificate,
 * and waits until `b` remembers `a` too.
 */
export async function pairByPin(a: TestNode, b: TestNode): Promise<void> {
  const display = b.agent.showPin();
  const result = await a.agent.enterPin(b.identity.id, display.pin());
  expect(result.peer.id).toBe(b.identity.id);
  expect(equalBytes(result.peerFingerprint, b.fingerprint)).toBe(true);
  await vi.waitFor(async () => expect(await b.trust.get(a.identity.id)).toBeDefined(), { timeout: 5_000 });
  display.close();
}

/** `b` echoes on the `lanrtc` channel; resolves with the reply to `text` sent from `a`. */
export async function echoOnce(
  a: Connection<WeriftSessionPeer>,
  b: Connection<WeriftSessionPeer>,
  text: string,
): Promise<string> {
  const [chA, chB] = await Promise.all([a.peer.channel('lanrtc'), b.peer.channel('lanrtc')]);
  chB.onMessage.subscribe((m) => chB.send(`echo:${m.toString()}`));
  const reply = new Promise<string>((resolve) => chA.onMessage.subscribe((m) => resolve(m.toString())));
  chA.send(text);
  return reply;
}
