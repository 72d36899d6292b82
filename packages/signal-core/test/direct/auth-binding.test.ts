/**
 * What the in-band authentication binds (docs/PROTOCOL.md §"Direct connect and in-band
 * authentication"): the proof's signed bytes, checked with node:crypto's Ed25519 (not the noble
 * code that made them) against the documented layout; a proof that verifies for nothing but the
 * exact two hellos it was made for; and, on whole runs, a replayed proof, a proof made for another
 * channel or another verifier, and a pairing whose transcript names another key or certificate than
 * the hello — each refused with its specific error.
 */
import { createPublicKey, verify } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { runDirectAuth } from '../../src/direct/auth.js';
import {
  AUTH_FLAG_PAIR,
  type AuthHello,
  AuthType,
  decodeAuthMessage,
  encodeAuthHello,
  encodeAuthPairing,
} from '../../src/direct/auth-messages.js';
import {
  authPairingSessionId,
  DIRECT_AUTH_DOMAIN,
  signAuthProof,
  verifyAuthProof,
} from '../../src/direct/auth-proof.js';
import { FingerprintMismatchError, InvalidSignatureError } from '../../src/errors.js';
import { createIdentity, type Identity, identityFromSecretKey } from '../../src/identity/identity.js';
import { createPairing } from '../../src/pairing/pairing.js';
import {
  outcome,
  portPair,
  runBoth,
  type Side,
  side,
  type Tamper,
  type TestPort,
  trustEachOther,
} from './ports.js';

const filled = (n: number, byte: number) => new Uint8Array(n).fill(byte);
const fixedIdentity = (byte: number) => identityFromSecretKey(filled(32, byte));
const hello = (identity: Identity, nonce: number, fingerprint: number, flags = 0): AuthHello => ({
  flags,
  nonce: filled(32, nonce),
  identityKey: identity.publicKey,
  fingerprint: filled(32, fingerprint),
});

/** Ed25519 verification by node:crypto (OpenSSL), independent of the code under test. */
function nodeVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
  return verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature);
}

describe('auth proof: the signed bytes', () => {
  const signer = fixedIdentity(1);
  const verifier = fixedIdentity(2);
  const own = hello(signer, 0x11, 0xa1);
  const peer = hello(verifier, 0x22, 0xb2);

  it('are domain ‖ 0x00 ‖ verifier nonce ‖ signer nonce ‖ signer fp ‖ verifier fp ‖ signer key ‖ verifier key', () => {
    const signature = signAuthProof(signer, own, peer);
    const documented = Buffer.concat([
      Buffer.from(DIRECT_AUTH_DOMAIN, 'utf8'),
      Buffer.from([0]),
      peer.nonce,
      own.nonce,
      own.fingerprint,
      peer.fingerprint,
      signer.publicKey,
      verifier.publicKey,
    ]);
    expect(DIRECT_AUTH_DOMAIN).toBe('lanrtc/direct/auth/v1');
    expect(nodeVerify(signer.publicKey, documented, signature)).toBe(true);
    // Ed25519 is deterministic: the vector pins the whole computation.
    expect(Buffer.from(signature).toString('hex')).toBe(PROOF_VECTOR);
  });

  it('verify only for the exact two hellos: every bound field changed makes it fail', () => {
    const signature = signAuthProof(signer, own, peer);
    expect(verifyAuthProof(own, peer, signature)).toBe(true);
    const other = fixedIdentity(3);
    const changed: [string, AuthHello, AuthHello][] = [
      ['verifier nonce', own, { ...peer, nonce: filled(32, 0x23) }],
      ['signer nonce', { ...own, nonce: filled(32, 0x12) }, peer],
      ['signer fingerprint', { ...own, fingerprint: filled(32, 0xa2) }, peer],
      ['verifier fingerprint', own, { ...peer, fingerprint: filled(32, 0xb3) }],
      ['signer key', { ...own, identityKey: other.publicKey }, peer],
      ['verifier key', own, { ...peer, identityKey: other.publicKey }],
    ];
    for (const [field, signerHello, verifierHello] of changed) {
      expect({ field, ok: verifyAuthProof(signerHello, verifierHello, signature) }).toEqual({
        field,
        ok: false,
      });
    }
    // The flags are not signed (they only choose the path), so they may differ.
    expect(verifyAuthProof({ ...own, flags: AUTH_FLAG_PAIR }, peer, signature)).toBe(true);
  });
});

/**
 * The signature of `signAuthProof(fixedIdentity(1), hello(…0x11, 0xa1), hello(…0x22, 0xb2))`, recorded
 * after node:crypto verified it over the documented bytes (first test).
 */
const PROOF_VECTOR =
  'ebde7e3906b8f775c07d08e7809b6d983019a2577124934f86e79252e2f8cbd3b66641abd07c977c5c65024037fd1dddaf966b83a577c335f1e7e0ee5106c806';

/** A responder run over a pipe whose other end the test drives by hand. */
function responder(r: Side, remoteFingerprint: Uint8Array, extra: Record<string, unknown> = {}) {
  const ports = portPair();
  const run = outcome(
    runDirectAuth(ports.b, { role: 'responder', ...sideInit(r, r), remoteFingerprint, ...extra }),
  );
  return { hand: ports.a, run };
}

/** The next message the hand-driven end receives. */
function nextMessage(port: TestPort): Promise<ReturnType<typeof decodeAuthMessage>> {
  return new Promise((resolve) => {
    const off = port.onMessage((bytes) => {
      off();
      resolve(decodeAuthMessage(bytes));
    });
  });
}

/** A side's identity, trust and the two real fingerprints, as `runBoth` gives them. */
const sideInit = (me: Side, peer: Side) => ({
  identity: me.identity,
  trust: me.trust,
  localFingerprint: me.fingerprint,
  remoteFingerprint: peer.fingerprint,
});

/** A tamper that rewrites the hello `from` sends (a party in the middle of the channel). */
function rewriteHello(from: 'a' | 'b', change: Partial<AuthHello>): Tamper {
  return (bytes, sender) => {
    const m = decodeAuthMessage(bytes);
    return sender === from && m.type === AuthType.hello ? encodeAuthHello({ ...m.hello, ...change }) : bytes;
  };
}

describe('runDirectAuth: the proof binds this run, this channel and this verifier', () => {
  it('a proof recorded in one run is refused when replayed into the next (the verifier nonce is fresh)', async () => {
    const [i, r] = [side(), side()];
    await trustEachOther(i, r);
    // Run 1, honest, recorded.
    const first = runBoth(i, r);
    const recorded: Uint8Array[] = [];
    const off = first.ports.a.onMessage((bytes) => recorded.push(bytes));
    const runs = await Promise.all([first.i, first.r]);
    off();
    expect(runs.map((x) => x.value?.remote.id)).toEqual([r.identity.id, i.identity.id]);
    const [rHello, rProof] = recorded;
    expect(rHello && decodeAuthMessage(rHello).type).toBe(AuthType.hello);
    expect(rProof && decodeAuthMessage(rProof).type).toBe(AuthType.proof);
    // Run 2: someone replays R's hello and proof to I.
    const second = portPair();
    const again = outcome(runDirectAuth(second.a, { role: 'initiator', ...sideInit(i, r) }));
    second.b.send(rHello as Uint8Array);
    second.b.send(rProof as Uint8Array);
    const error = (await again).error as Error;
    expect(error).toBeInstanceOf(InvalidSignatureError);
    expect(error.message).toBe('auth proof does not verify');
  });

  it('a responder that saw another certificate than the initiator’s own signs for that one: refused', async () => {
    // A relay in the middle of DTLS shows R its own certificate X and rewrites I's hello to match.
    const [i, r] = [side(), side()];
    await trustEachOther(i, r);
    const x = sha256(new Uint8Array([1, 2, 3]));
    const t = runBoth(i, r, { r: { remoteFingerprint: x }, tamper: rewriteHello('a', { fingerprint: x }) });
    const error = (await t.i).error;
    expect(error).toBeInstanceOf(InvalidSignatureError);
    expect((error as Error).message).toBe('auth proof does not verify');
  });

  it('a responder’s own fingerprint rewritten in its hello (to what I saw) breaks its proof', async () => {
    const [i, r] = [side(), side()];
    const y = sha256(new Uint8Array([4, 5, 6]));
    await trustEachOther(i, r, { y });
    const t = runBoth(i, r, { i: { remoteFingerprint: y }, tamper: rewriteHello('b', { fingerprint: y }) });
    expect((await t.i).error).toBeInstanceOf(InvalidSignatureError);
  });

  it('a proof made for another verifier key (unknown-key share, RFC 8844) is refused', async () => {
    // M, whom R also trusts, rewrites I's hello to carry M's key: R signs its proof for M.
    const [i, r, m] = [side(), side(), side()];
    await trustEachOther(i, r);
    await trustEachOther(m, r, { x: i.fingerprint });
    const t = runBoth(i, r, { tamper: rewriteHello('a', { identityKey: m.identity.publicKey }) });
    const error = (await t.i).error;
    expect(error).toBeInstanceOf(InvalidSignatureError);
    expect((error as Error).message).toBe('auth proof does not verify');
  });
});

describe('runDirectAuth: the pairing transcript must name the hello’s key and the DTLS certificate', () => {
  /**
   * A hand-driven initiator: its hello says `helloIdentity` / `helloFingerprint`, its pairing runs
   * as `pairIdentity` with `pairFingerprint` and the window's secret. Returns the responder's outcome.
   */
  async function pairByHand(opts: {
    helloIdentity: Identity;
    helloFingerprint: Uint8Array;
    pairIdentity: Identity;
    pairFingerprint: Uint8Array;
  }) {
    const r = side();
    const secret = filled(16, 0x5a);
    const { hand, run } = responder(r, opts.helloFingerprint, {
      pairingWindow: { mode: () => ({ kind: 'secret', secret }) },
    });
    const own: AuthHello = {
      flags: AUTH_FLAG_PAIR,
      nonce: filled(32, 0x33),
      identityKey: opts.helloIdentity.publicKey,
      fingerprint: opts.helloFingerprint,
    };
    const rHello = nextMessage(hand);
    hand.send(encodeAuthHello(own));
    const got = await rHello;
    if (got.type !== AuthType.hello) throw new Error('expected the responder hello');
    const pairing = createPairing({
      role: 'initiator',
      identity: opts.pairIdentity,
      fingerprint: opts.pairFingerprint,
      mode: { kind: 'secret', secret },
      sessionId: authPairingSessionId(got.hello.nonce, own.nonce),
    });
    const response = nextMessage(hand);
    hand.send(encodeAuthPairing(pairing.start()));
    const reply = await response;
    if (reply.type !== AuthType.pairing) throw new Error('expected a pairing message');
    const step = pairing.receive(reply.pairing);
    if (step.send) hand.send(encodeAuthPairing(step.send));
    return { result: await run, r };
  }

  it('an honest hand-driven initiator pairs (the harness itself works)', async () => {
    const me = createIdentity();
    const fp = sha256(me.publicKey);
    const { result, r } = await pairByHand({
      helloIdentity: me,
      helloFingerprint: fp,
      pairIdentity: me,
      pairFingerprint: fp,
    });
    expect(result.error).toBeUndefined();
    expect(result.value?.remote.id).toBe(me.id);
    expect(await r.trust.get(me.id)).toBeDefined();
  });

  it('a pairing run by another identity than the hello’s: InvalidSignatureError, nothing stored', async () => {
    const [shown, real] = [createIdentity(), createIdentity()];
    const fp = sha256(shown.publicKey);
    const { result, r } = await pairByHand({
      helloIdentity: shown,
      helloFingerprint: fp,
      pairIdentity: real,
      pairFingerprint: fp,
    });
    expect(result.error).toBeInstanceOf(InvalidSignatureError);
    expect((result.error as Error).message).toBe('pairing identity differs from the hello');
    expect(await r.trust.list()).toEqual([]);
  });

  it('a pairing that names another certificate than DTLS showed: FingerprintMismatchError, nothing stored', async () => {
    const me = createIdentity();
    const { result, r } = await pairByHand({
      helloIdentity: me,
      helloFingerprint: sha256(me.publicKey),
      pairIdentity: me,
      pairFingerprint: sha256(new Uint8Array([9])),
    });
    expect(result.error).toBeInstanceOf(FingerprintMismatchError);
    expect((result.error as Error).message).toBe('pairing fingerprint differs from the DTLS certificate');
    expect(await r.trust.list()).toEqual([]);
  });
});
