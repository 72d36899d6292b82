/**
 * Test helpers: a tiny signed test card (the real card format lives in signal-core), its verifier,
 * and an event recorder over a browser's async iterator with deadlines.
 */
import {
  createIdentity,
  type Identity,
  InvalidSignatureError,
  identityId,
  LanrtcError,
} from '@lanrtc/signal-core';
import { ByteReader, ByteWriter } from '@lanrtc/signal-core/codec';
import { signWithDomain, verifyWithDomain } from '@lanrtc/signal-core/protocol';
import type { BrowseEvent, Browser, VerifiedCard } from '../src/index.js';

/** True inside the private network namespace of scripts/netns-run.mjs; socket tests skip elsewhere. */
export const IN_NETNS = process.env.LANRTC_IN_NETNS === '1';

/** Same stable name as signal-core's CardExpiredError, which the browser branches on. */
export class CardExpiredError extends LanrtcError {
  static override readonly code = 'CardExpiredError';
}

const DOMAIN = 'lanrtc/test-card/v1';

/** Test card: publicKey(32) ‖ name ‖ types ‖ expiresAt(u32) ‖ signature(64). */
export function makeCard(
  identity: Identity,
  init: { name: string; deviceTypes: string[]; expiresAt?: number; padding?: number },
): Uint8Array {
  const w = new ByteWriter();
  w.raw(identity.publicKey);
  w.string(init.name);
  w.string(init.deviceTypes.join(','));
  w.varuint(init.expiresAt ?? Math.floor(Date.now() / 1000) + 3600);
  w.bytes(new Uint8Array(init.padding ?? 0));
  const body = w.finish();
  return new Uint8Array([...body, ...signWithDomain(identity, DOMAIN, body)]);
}

/** Verifier for test cards: signature, then expiry. */
export function verifyTestCard(bytes: Uint8Array, nowSeconds: number): VerifiedCard {
  const body = bytes.subarray(0, bytes.length - 64);
  const signature = bytes.subarray(bytes.length - 64);
  const r = new ByteReader(body);
  const publicKey = r.raw('publicKey', 32);
  const name = r.string('name', 64);
  const types = r.string('types', 128);
  const expiresAt = r.varuint('expiresAt');
  r.bytes('padding', 1024);
  r.end('test card');
  if (!verifyWithDomain(publicKey, DOMAIN, body, signature)) throw new InvalidSignatureError('test card');
  if (expiresAt <= nowSeconds) throw new CardExpiredError('test card expired');
  return { id: identityId(publicKey), name, deviceTypes: types ? types.split(',') : [], expiresAt };
}

/** A fresh identity and card. */
export function newCard(name: string, deviceTypes: string[], expiresAt?: number) {
  const identity = createIdentity();
  return {
    identity,
    card: makeCard(identity, { name, deviceTypes, ...(expiresAt ? { expiresAt } : {}) }),
  };
}

/** Records every event of a browser and waits for matching ones. */
export class Recorder {
  readonly events: BrowseEvent[] = [];
  #waiters = new Set<() => void>();

  constructor(browser: Browser) {
    void (async () => {
      for await (const e of browser) {
        this.events.push(e);
        for (const w of this.#waiters) w();
      }
    })();
  }

  /** The first recorded event matching `match`, waiting up to `ms`. */
  waitFor(match: (e: BrowseEvent) => boolean, ms: number, what: string): Promise<BrowseEvent> {
    const found = this.events.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const e = this.events.find(match);
        if (!e) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timeout waiting for ${what}`));
      }, ms);
      this.#waiters.add(check);
    });
  }
}

/** Resolve after `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Interfaces for tests: the namespace's veth. */
export const IFACES = ['eth0'];
