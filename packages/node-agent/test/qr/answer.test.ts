/**
 * `answerQrOffer` against a werift offerer doing what a page's `createQrOffer` does: first contact
 * pairs with the offer's secret (both sides store each other), a second round with no secret takes
 * the proof path, an answer meant for another offer or with a flipped tag is `QrMismatchError` at
 * the offerer (and the answerer gives up at its deadline or on abort), bad offer texts are typed
 * errors. Opens sockets: runs inside the test namespace (`node scripts/test.mjs packages/node-agent/test/qr`).
 */
import {
  createCard,
  createIdentity,
  encodeQrCard,
  MalformedInputError,
  QrMismatchError,
  SessionTimeoutError,
} from '@lanrtc/signal-core';
import { fromQrText, toQrText } from '@lanrtc/signal-core/codec';
import { afterEach, describe, expect, it } from 'vitest';
import { answerQrOffer, type NodeConnection } from '../../src/index.js';
import { echo, HOST, type Party, party } from '../direct/support.js';
import { IN_NETNS } from '../peer/pair.js';
import { type QrOfferer, qrOfferer } from './offerer.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function offererOf(p: Party, secret?: Uint8Array): Promise<QrOfferer> {
  const o = await qrOfferer(p, HOST, secret);
  cleanups.push(() => o.close());
  return o;
}

function answerer(p: Party, extra: { connectTimeoutMs?: number; signal?: AbortSignal } = {}) {
  return { ...p, peer: { interfaceAddresses: [HOST] }, ...extra };
}

function keep(connection: NodeConnection): NodeConnection {
  cleanups.push(() => connection.close());
  return connection;
}

describe('answerQrOffer: bad offer texts', () => {
  it('garbage and a card are typed errors, before any peer connection exists', async () => {
    const p = await party();
    await expect(answerQrOffer('LR1:%%%', p)).rejects.toMatchObject({ name: 'MalformedInputError' });
    const card = createCard(createIdentity(), {
      name: 'x',
      deviceTypes: [],
      fingerprint: new Uint8Array(32),
      ice: { ufrag: 'abcd1234', pwd: 'abcdefghijklmnopqrstuvwx' },
      candidates: [{ address: '192.0.2.1', port: 9 }],
    });
    await expect(answerQrOffer(encodeQrCard(card), p)).rejects.toBeInstanceOf(MalformedInputError);
  });
});

describe.skipIf(!IN_NETNS)('answerQrOffer on werift', () => {
  it('pairs with the offer secret, then reconnects on the proof path; echo both times', async () => {
    const [page, node] = [await party(), await party()];
    const secret = crypto.getRandomValues(new Uint8Array(16));
    const first = await offererOf(page, secret);
    const started = performance.now();
    const answer = await answerQrOffer(first.text, answerer(node));
    expect(answer.text).toMatch(/^LR1:/);
    expect(answer.offer.secret).toEqual(secret);
    const [atPage, atNode] = await Promise.all([first.accept(answer.text), answer.connection.then(keep)]);
    console.info(`qr answer: paired in ${Math.round(performance.now() - started)} ms`);
    expect(atPage).toMatchObject({ paired: true, remote: { id: node.identity.id } });
    expect(atNode).toMatchObject({ paired: true, remote: { id: page.identity.id } });
    expect(await page.trust.get(node.identity.id)).toBeDefined();
    expect(await node.trust.get(page.identity.id)).toBeDefined();
    expect(await echo(atNode, 'lanrtc', 'hi')).toBe('hi');
    expect(first.echoed).toEqual(['hi']);

    const second = await offererOf(page);
    const again = await answerQrOffer(second.offer, answerer(node));
    expect(again.offer.secret).toBeUndefined();
    const [atPage2, atNode2] = await Promise.all([second.accept(again.text), again.connection.then(keep)]);
    expect(atPage2).toMatchObject({ paired: false, remote: { id: node.identity.id } });
    expect(atNode2).toMatchObject({ paired: false, remote: { id: page.identity.id } });
    expect(await echo(atNode2, 'lanrtc', 'again')).toBe('again');
  });

  it('an answer for another offer or with a flipped tag is QrMismatchError; the answerer times out', async () => {
    const [page, node] = [await party(), await party()];
    const secret = crypto.getRandomValues(new Uint8Array(16));
    const one = await offererOf(page, secret);
    const other = await offererOf(page, secret);
    const answer = await answerQrOffer(other.text, answerer(node, { connectTimeoutMs: 1_500 }));
    await expect(one.accept(answer.text)).rejects.toBeInstanceOf(QrMismatchError);
    const bytes = fromQrText(answer.text);
    bytes[2] = (bytes[2] as number) ^ 0x01; // first byte of the binding tag
    await expect(other.accept(toQrText(bytes))).rejects.toBeInstanceOf(QrMismatchError);
    await expect(answer.connection).rejects.toBeInstanceOf(SessionTimeoutError);
  });

  it('abort rejects the pending connection with the reason', async () => {
    const [page, node] = [await party(), await party()];
    const offer = await offererOf(page);
    const controller = new AbortController();
    const answer = await answerQrOffer(offer.text, answerer(node, { signal: controller.signal }));
    const reason = new Error('user gave up');
    controller.abort(reason);
    await expect(answer.connection).rejects.toBe(reason);
  });
});
