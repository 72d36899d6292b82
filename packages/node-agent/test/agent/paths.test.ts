/**
 * The one agent shape on Node, every path through `createNodeAgent`'s object: direct connect from a
 * card to another agent's `listenDirect` (PIN pairing through `showPin`, then again with nothing
 * typed), QR offer/answer between two agents (both roles), the relay path over an in-memory switch,
 * and the identity + trust store persisted in a config directory. Real werift peers in the private
 * network namespace (scripts/netns-run.mjs); werift binds only 10.77.0.1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, createIdentity, type PairingResult } from '@lanrtc/signal-core';
import { createMemoryNetwork, type MemoryNetwork } from '@lanrtc/signal-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDtlsCertificate,
  createNodeAgent,
  type NodeAgent,
  type WeriftSessionPeer,
} from '../../src/index.js';
import { IN_NETNS } from '../peer/pair.js';

const HOST = '10.77.0.1';
type Conn = Connection<WeriftSessionPeer>;

const agents: NodeAgent[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function agent(net?: MemoryNetwork): Promise<NodeAgent> {
  const identity = createIdentity();
  const a = await createNodeAgent({
    identity,
    certificate: await createDtlsCertificate(),
    peer: { interfaceAddresses: [HOST] },
    ...(net ? { transport: net.connect(identity.id), timeoutMs: 8_000 } : {}),
  });
  agents.push(a);
  return a;
}

function next<T>(subscribe: (listener: (value: T) => void) => () => void): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((value) => {
      off();
      resolve(value);
    });
  });
}

/** `from` opens channel `app` and sends `text`; `to` echoes it back. */
async function echo(from: Conn, to: Conn, text: string): Promise<string> {
  to.peer.pc.onDataChannel.subscribe((channel) =>
    channel.onMessage.subscribe((m) => channel.send(`echo:${m.toString()}`)),
  );
  const channel = from.peer.createDataChannel('app');
  await new Promise<void>((resolve) => channel.stateChanged.subscribe((s) => s === 'open' && resolve()));
  const reply = new Promise<string>((resolve) => channel.onMessage.subscribe((m) => resolve(m.toString())));
  channel.send(text);
  return reply;
}

describe.skipIf(!IN_NETNS)('node agent: one shape, every path', () => {
  it('direct: PIN pairing through showPin on a listenDirect device, then again with nothing typed', async () => {
    const [device, phone] = [await agent(), await agent()];
    const listener = await device.listenDirect({ name: 'Porch', addresses: [HOST], port: 0 });
    const display = device.showPin();
    const paired = next<PairingResult>((l) => display.onPaired(l));
    const incoming = next<Conn>((l) => device.onConnection(l));

    const conn = await phone.connectDirect(listener.cardText(), {
      pairing: { kind: 'pin', pin: display.pin() },
    });
    const deviceSide = await incoming;
    expect(conn).toMatchObject({ path: 'direct', paired: true, session: undefined });
    expect(conn.remote.id).toBe(device.id);
    expect(deviceSide.remote.id).toBe(phone.id);
    expect((await paired).peer.id).toBe(phone.id);
    expect((await phone.trust.get(device.id))?.name).toBe('Porch');
    expect(await echo(conn, deviceSide, 'hi')).toBe('echo:hi');
    // Over the auth channel: a signed offer and answer with nothing new, applied on both sides.
    await expect(conn.renegotiate()).resolves.toBeUndefined();
    expect(await echo(conn, deviceSide, 'after')).toBe('echo:after');
    await conn.close();
    display.close();

    // Trusted now: the card alone (no PIN, pairing closed) connects.
    const again = await phone.connectDirect(listener.card());
    expect(again).toMatchObject({ path: 'direct', paired: false });
    await again.close();
  }, 30_000);

  it("ended says who closed: the device's close() is `closed` there and `peer-closed` at the phone", async () => {
    const [device, phone] = [await agent(), await agent()];
    const listener = await device.listenDirect({ name: 'Porch', addresses: [HOST], port: 0 });
    const display = device.showPin();
    const incoming = next<Conn>((l) => device.onConnection(l));
    const conn = await phone.connectDirect(listener.card(), { pairing: { kind: 'pin', pin: display.pin() } });
    const deviceSide = await incoming;
    await device.close();
    expect(await deviceSide.ended).toBe('closed');
    expect(await conn.ended).toBe('peer-closed');
  }, 20_000);

  it('one PIN display reports every pairing it completes (a host pairs many players)', async () => {
    const [host, p1, p2] = [await agent(), await agent(), await agent()];
    const listener = await host.listenDirect({ name: 'Host', addresses: [HOST], port: 0 });
    const display = host.showPin();
    const pairedIds: string[] = [];
    display.onPaired((r) => pairedIds.push(r.peer.id));
    const pins = [display.pin()];
    // The PIN rotates after each success: each player types the one shown at the time.
    const c1 = await p1.connectDirect(listener.card(), { pairing: { kind: 'pin', pin: display.pin() } });
    pins.push(display.pin());
    const c2 = await p2.connectDirect(listener.card(), { pairing: { kind: 'pin', pin: display.pin() } });
    expect(pins[1]).not.toBe(pins[0]);
    expect(pairedIds).toEqual([p1.id, p2.id]);
    await Promise.all([c1.close(), c2.close()]);
  }, 30_000);

  it('QR offer / answer between two agents with a one-time secret, then without one', async () => {
    const [a, b] = [await agent(), await agent()];
    const offer = await a.createQrOffer({ pairWithSecret: true });
    const answer = await b.answerQrOffer(offer.text);
    expect(answer.offer.secret).toBeDefined();
    const [onA, onB] = await Promise.all([offer.accept(answer.text), answer.connection]);
    expect(onA).toMatchObject({ path: 'qr', paired: true });
    expect(onB).toMatchObject({ path: 'qr', paired: true });
    expect(onA.remote.id).toBe(b.id);
    expect(onB.remote.id).toBe(a.id);
    expect(await echo(onB, onA, 'qr')).toBe('echo:qr');
    await Promise.all([onA.close(), onB.close()]);

    // Both remember the pairing: an offer without a secret connects on proofs alone.
    const plain = await a.createQrOffer();
    const reply = await b.answerQrOffer(plain.text);
    expect(reply.offer.secret).toBeUndefined();
    const [again] = await Promise.all([plain.accept(reply.text), reply.connection]);
    expect(again).toMatchObject({ path: 'qr', paired: false });
    await again.close();
  }, 40_000);

  it('an answer made for another offer is QrMismatchError', async () => {
    const [a, b] = [await agent(), await agent()];
    const first = await a.createQrOffer({ pairWithSecret: true });
    const second = await a.createQrOffer({ pairWithSecret: true });
    const answer = await b.answerQrOffer(second.text, { timeoutMs: 500 });
    await expect(first.accept(answer.text)).rejects.toMatchObject({ name: 'QrMismatchError' });
    await expect(answer.connection).rejects.toMatchObject({ name: 'SessionTimeoutError' });
    // The refused answer left `first` open for its own answer.
    const right = await b.answerQrOffer(first.text);
    const [onA, onB] = await Promise.all([first.accept(right.text), right.connection]);
    expect(onA.remote.id).toBe(b.id);
    await Promise.all([onA.close(), onB.close()]);
    second.close();
  }, 20_000);

  it("a QR pairing card opened over the agent's PIN display hands pairing back to the PIN once withdrawn", async () => {
    const [device, phone] = [await agent(), await agent()];
    const listener = await device.listenDirect({ name: 'Lamp', addresses: [HOST], port: 0 });
    const display = device.showPin();
    listener.openQrPairing().close();
    const conn = await phone.connectDirect(listener.card(), { pairing: { kind: 'pin', pin: display.pin() } });
    expect(conn.paired).toBe(true);
    await conn.close();
  }, 20_000);

  it('an onConnection listener that throws is reported as a session error; the connection stays', async () => {
    const [device, phone] = [await agent(), await agent()];
    const listener = await device.listenDirect({ name: 'Lamp', addresses: [HOST], port: 0 });
    const display = device.showPin();
    const reported = next<unknown>((l) => device.onSessionError(l));
    device.onConnection(() => {
      throw new Error('app bug');
    });
    const conn = await phone.connectDirect(listener.card(), { pairing: { kind: 'pin', pin: display.pin() } });
    expect(await reported).toMatchObject({ name: 'LanrtcError' });
    expect(await Promise.race([conn.ended, new Promise((r) => setTimeout(() => r('open'), 300))])).toBe(
      'open',
    );
    await conn.close();
  }, 20_000);

  it('after close(), new work is refused with TransportClosedError and nothing is left running', async () => {
    const a = await agent();
    await a.close();
    await expect(a.listenDirect({ name: 'A', addresses: [HOST], port: 0 })).rejects.toMatchObject({
      name: 'TransportClosedError',
    });
    expect(() => a.showPin()).toThrow(expect.objectContaining({ name: 'TransportClosedError' }));
    await expect(a.createQrOffer()).rejects.toMatchObject({ name: 'TransportClosedError' });
    // A listener still binding when the agent closes is closed too.
    const b = await agent();
    const binding = b.listenDirect({ name: 'B', addresses: [HOST], port: 0 });
    await b.close();
    await expect(binding).rejects.toMatchObject({ name: 'TransportClosedError' });
  });

  it('close() ends what is still under way: an unread QR answer fails at once, a caller abort too', async () => {
    const [a, b] = [await agent(), await agent()];
    const offer = await a.createQrOffer({ pairWithSecret: true });
    const answer = await b.answerQrOffer(offer.text); // default deadline 60 s: nobody reads it
    const started = Date.now();
    await b.close();
    await expect(answer.connection).rejects.toMatchObject({ name: 'TransportClosedError' });
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(b.answerQrOffer(offer.text)).rejects.toMatchObject({ name: 'TransportClosedError' });
    // The caller's own signal still works through the agent's.
    const controller = new AbortController();
    const c = await agent();
    const pending = await c.answerQrOffer((await a.createQrOffer()).text, { signal: controller.signal });
    controller.abort(new Error('user went back'));
    await expect(pending.connection).rejects.toThrow('user went back');
    offer.close();
  }, 20_000);

  it('relay path: enterPin, connect, and connections arriving before anyone listens are held', async () => {
    const net = createMemoryNetwork();
    const [device, phone] = [await agent(net), await agent(net)];
    const display = device.showPin();
    await phone.enterPin(device.id, display.pin());
    display.close();
    const conn = await phone.connect(device.id);
    expect(conn).toMatchObject({ path: 'relay', paired: false });
    expect(conn.session).toMatch(/^[0-9a-f]{32}$/);
    // The device subscribed only now: its side was held for it.
    const deviceSide = await next<Conn>((l) => device.onConnection(l));
    expect(deviceSide.session).toBe(conn.session);
    await conn.close();
  }, 30_000);

  it('without a relay or transport, the relay-path calls are NoSignallingPathError; bad input is typed', async () => {
    const a = await agent();
    await expect(a.connect('x'.repeat(26))).rejects.toMatchObject({ name: 'NoSignallingPathError' });
    await expect(a.enterPin('x'.repeat(26), '480361')).rejects.toMatchObject({
      name: 'NoSignallingPathError',
    });
    await expect(a.enterPin('x'.repeat(26), '123456')).rejects.toMatchObject({ name: 'WeakPinError' });
    await expect(a.connectDirect('LR1:NOT A CARD')).rejects.toMatchObject({ name: 'MalformedInputError' });
    await expect(a.answerQrOffer('hello')).rejects.toMatchObject({ name: 'MalformedInputError' });
    const listener = await a.listenDirect({ name: 'A', addresses: [HOST], port: 0 });
    await expect(
      a.connectDirect(listener.cardText(), { pairing: { kind: 'compare' } }),
    ).rejects.toMatchObject({
      name: 'PairingModeUnsupportedError',
    });
  });

  it('config directory: identity and trust persist across agents', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lanrtc-agent-'));
    dirs.push(dir);
    const first = await createNodeAgent({ config: dir, peer: { interfaceAddresses: [HOST] } });
    const peer = await agent();
    const listener = await peer.listenDirect({ name: 'Lamp', addresses: [HOST], port: 0 });
    const display = peer.showPin();
    const conn = await first.connectDirect(listener.cardText(), {
      pairing: { kind: 'pin', pin: display.pin() },
    });
    await conn.close();
    await first.close();
    const second = await createNodeAgent({ config: dir, peer: { interfaceAddresses: [HOST] } });
    agents.push(second);
    expect(second.id).toBe(first.id);
    expect((await second.trust.get(peer.id))?.name).toBe('Lamp');
  }, 30_000);
});
