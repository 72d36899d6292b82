/**
 * In-band authentication of a direct connection (docs/PROTOCOL.md §"Direct connect and in-band
 * authentication"): a platform-free runner over a negotiated DataChannel seen as bytes. Both sides
 * send a hello; then either each proves its identity over both nonces and both DTLS fingerprints
 * (peers that trust each other) or the initiator pairs in-band with the existing PAKE (first
 * contact). The responder ends with `accept` or `reject`; either side may `reject` on its own failure.
 *
 * Layout: declarations in auth-types.ts, wire messages in auth-messages.ts, the proof and the session
 * id in auth-proof.ts, the pairing path's PAKE setup in auth-pairing.ts. The runner below stays one
 * closure on purpose: the hello, proof, pairing and accept handlers share one settle-once state
 * (stage, peer, pairing, deadline, commit point) and run on one message queue (a compare-mode user's
 * verdict joins it when it comes, so the peer's messages are read meanwhile); split across files they
 * would pass that state around by reference, which makes "settles exactly once" harder to check.
 */
import { randomBytes } from '@noble/hashes/utils.js';
import { createAbortHandle } from '../encoding/abort.js';
import { equalBytes } from '../encoding/bytes.js';
import { FINGERPRINT_BYTES } from '../encoding/fingerprint.js';
import { timers } from '../encoding/timers.js';
import {
  AuthTimeoutError,
  FingerprintMismatchError,
  InvalidArgumentError,
  InvalidSignatureError,
  LanrtcError,
  MalformedInputError,
  NotPairedError,
  PairingFailedError,
  PairingNotOpenError,
  PeerRejectedError,
  TransportClosedError,
  UnexpectedSenderError,
} from '../errors.js';
import { type PublicIdentity, publicIdentity } from '../identity/identity.js';
import { peekHelloMode } from '../pairing/messages.js';
import type { Pairing, PairingResult, PairingStep } from '../pairing/pairing.js';
import type { PairingWindow } from '../session/types.js';
import { checkPeerFingerprint } from '../trust/fingerprint.js';
import { rememberPeer } from '../trust/peers.js';
import {
  AUTH_FLAG_PAIR,
  type AuthHello,
  AuthType,
  decodeAuthMessage,
  encodeAuthAccept,
  encodeAuthHello,
  encodeAuthPairing,
  encodeAuthProof,
  encodeAuthReject,
} from './auth-messages.js';
import { startAuthPairing } from './auth-pairing.js';
import { directSessionId, signAuthProof, verifyAuthProof } from './auth-proof.js';
import {
  type AuthPort,
  DIRECT_AUTH_COMPARE_DEADLINE_MS,
  DIRECT_AUTH_DEADLINE_MS,
  type DirectAuthInit,
  type DirectAuthResult,
} from './auth-types.js';

type Stage = 'hello' | 'proof' | 'pairing' | 'accept';

/** The longest timer delay platforms honour (2^31 − 1 ms, ~24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Authenticate the peer at the other end of `port`. Settles exactly once: resolves on success, or
 * rejects (sending the peer a `reject` when the failure is local) on a failed check, the peer's
 * `reject` (`PeerRejectedError`), the port closing (`TransportClosedError`), the deadline
 * (`AuthTimeoutError`) or the abort signal. Listeners and the timer are released either way.
 *
 * Outcome and trust store agree: once a pairing has succeeded and its trust-store write has begun,
 * the run is committed — the deadline, the abort signal and the port closing no longer end it, and it
 * resolves when the write is done (it rejects only if the write itself fails, and then nothing was
 * stored: `TrustStore.update` is atomic). So a rejected run never leaves a newly paired peer stored.
 */
export function runDirectAuth(port: AuthPort, init: DirectAuthInit): Promise<DirectAuthResult> {
  if (
    init.localFingerprint.length !== FINGERPRINT_BYTES ||
    init.remoteFingerprint.length !== FINGERPRINT_BYTES
  )
    return Promise.reject(new InvalidArgumentError('fingerprints must be 32 bytes'));
  // A timer beyond 2^31-1 ms fires at once (Node and browsers clamp it), NaN or ≤ 0 at once too.
  if (
    init.deadlineMs !== undefined &&
    !(Number.isInteger(init.deadlineMs) && init.deadlineMs > 0 && init.deadlineMs <= MAX_TIMER_MS)
  )
    return Promise.reject(
      new InvalidArgumentError(`deadlineMs must be an integer from 1 to ${MAX_TIMER_MS}`),
    );
  if (init.signal?.aborted) return Promise.reject(init.signal.reason);
  return new Promise<DirectAuthResult>((resolve, reject) => {
    const { role, identity, trust } = init;
    const initiator = role === 'initiator';
    const now = init.now ?? Date.now;
    const window = initiator ? undefined : init.pairingWindow;
    /** Responder: the window of the mode the initiator's PAKE hello asked for (its callbacks serve this run). */
    let chosen: PairingWindow | undefined;
    const own: AuthHello = {
      flags: (initiator ? init.pairing : window) ? AUTH_FLAG_PAIR : 0,
      nonce: randomBytes(32),
      identityKey: identity.publicKey,
      fingerprint: init.localFingerprint,
    };
    let stage: Stage = 'hello';
    let settled = false;
    let chain = Promise.resolve();
    let peerHello: AuthHello | undefined;
    let peer: PublicIdentity | undefined;
    let pairing: Pairing | undefined;
    let paired: PairingResult | undefined;
    let committing = false;
    // Messages received and not yet handled, in order: what is still here when the run succeeds came
    // after its last message (the peer's first renegotiation, say) and goes back to the port.
    const inbox: Uint8Array[] = [];
    let offMessage = () => {};
    let offClose = () => {};
    let timer: unknown;
    const started = Date.now();
    /** (Re-)arm the deadline to fire `ms` after the start of the run. */
    const arm = (ms: number) => {
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = timers.setTimeout(
        () => fail(new AuthTimeoutError('in-band authentication did not finish in time'), true),
        Math.max(0, ms - (Date.now() - started)),
      );
    };

    const send = (bytes: Uint8Array) => {
      if (!settled) port.send(bytes);
    };
    // Aborted when the run fails, so a compare prompt still showing is taken down.
    const prompt = createAbortHandle();
    const finish = () => {
      settled = true;
      offMessage();
      offClose();
      if (timer !== undefined) timers.clearTimeout(timer);
      init.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown, notify: boolean) => {
      // While committing, only the write's own failure ends the run (it arrives after `committing` clears).
      if (settled || committing) return;
      const e =
        error instanceof LanrtcError ? error : new LanrtcError('unexpected failure', { cause: error });
      if (notify) {
        const code = error === init.signal?.reason && !(error instanceof LanrtcError) ? 'Aborted' : e.name;
        try {
          port.send(encodeAuthReject(code));
        } catch {
          // The port is gone; the peer learns from the closed channel instead.
        }
      }
      finish();
      prompt.abort(error);
      if (pairing && pairing.state !== 'done') {
        // Ends the attempt in the policy as a failure if the pairing itself has not (timeout, reject).
        pairing.abort();
        chosen?.onFailure?.(e);
      }
      reject(error);
    };
    const succeed = (remote: PublicIdentity, wasPaired: boolean) => {
      if (settled) return;
      finish();
      if (inbox.length > 0) port.unread?.(inbox.splice(0));
      const theirs = (peerHello as AuthHello).nonce;
      const session = initiator ? directSessionId(theirs, own.nonce) : directSessionId(own.nonce, theirs);
      resolve({ remote, paired: wasPaired, session });
    };

    const onHello = async (h: AuthHello) => {
      // The hello's fingerprint must be the certificate DTLS actually showed: the proof and the
      // pairing transcript bind the hello, so this binds them to this very channel.
      if (!equalBytes(h.fingerprint, init.remoteFingerprint))
        throw new FingerprintMismatchError('hello fingerprint differs from the DTLS certificate');
      let p: PublicIdentity;
      try {
        p = publicIdentity(h.identityKey);
      } catch (cause) {
        throw new MalformedInputError('hello identity key is not a valid Ed25519 key', { cause });
      }
      if (equalBytes(p.publicKey, identity.publicKey))
        throw new UnexpectedSenderError('hello carries our own key');
      if (initiator && init.expectedPeerId !== undefined && p.id !== init.expectedPeerId)
        throw new UnexpectedSenderError('the responder is not the identity of the card');
      peerHello = h;
      peer = p;
      const wantsPairing = initiator ? init.pairing !== undefined : (h.flags & AUTH_FLAG_PAIR) !== 0;
      if (!wantsPairing) {
        if (!initiator) {
          const known = await trust.get(p.id);
          if (!known || !equalBytes(known.publicKey, p.publicKey))
            throw new NotPairedError('peer is not in the trust store and did not ask to pair');
        }
        // The responder proves first; the initiator signs only for a responder it has verified.
        if (!initiator) send(encodeAuthProof(signAuthProof(identity, own, h)));
        stage = 'proof';
        return;
      }
      stage = 'pairing';
      if (!initiator) {
        // The responder starts its side at the PAKE hello, whose mode picks the window.
        if (!window) throw new PairingNotOpenError('pairing is not open');
        return;
      }
      pairing = startAuthPairing({
        role,
        identity,
        localFingerprint: init.localFingerprint,
        own,
        peer: h,
        ...(init.pairing ? { mode: init.pairing } : {}),
      }).pairing;
      send(encodeAuthPairing(pairing.start()));
    };

    /** Responder: admit the initiator's PAKE hello under the window of its mode. */
    const startResponder = (hello: Uint8Array): Pairing => {
      const setup = startAuthPairing({
        role,
        identity,
        localFingerprint: init.localFingerprint,
        own,
        peer: peerHello as AuthHello,
        kind: peekHelloMode(hello),
        ...(window ? { window } : {}),
      });
      chosen = setup.window;
      // The responder learns here that a comparison is in play (the initiator knew from the start).
      if (setup.mode.kind === 'compare' && init.deadlineMs === undefined)
        arm(DIRECT_AUTH_COMPARE_DEADLINE_MS);
      pairing = setup.pairing;
      return pairing;
    };

    const onProof = async (signature: Uint8Array) => {
      const h = peerHello as AuthHello;
      const p = peer as PublicIdentity;
      if (!verifyAuthProof(h, own, signature)) throw new InvalidSignatureError('auth proof does not verify');
      const known = await trust.get(p.id);
      if (known || !initiator || init.expectedPeerId !== p.id) {
        if (!known) throw new NotPairedError('peer is not in the trust store');
        // The proof signed the hello's fingerprint: evidence for a rotated certificate, as in the relay path.
        await checkPeerFingerprint(
          trust,
          p.id,
          init.remoteFingerprint,
          { signedBy: p, fingerprints: [h.fingerprint] },
          { now: now() },
        );
      }
      if (settled) return;
      if (initiator) {
        send(encodeAuthProof(signAuthProof(identity, own, h)));
        stage = 'accept';
        return;
      }
      send(encodeAuthAccept());
      succeed(p, false);
    };

    const onPairing = (bytes: Uint8Array) => afterStep((pairing ?? startResponder(bytes)).receive(bytes));

    /** Send what a pairing step produced, ask the user about digits, act on a result. */
    const afterStep = async (step: PairingStep) => {
      if (step.send) send(encodeAuthPairing(step.send));
      if (step.compare !== undefined) askUser(step.compare);
      if (step.result) await onPaired(step.result);
    };

    /**
     * Compare mode: ask the user without holding up the message queue, so the peer's confirm, abort or
     * reject is handled while the user decides; the verdict then joins the queue. No handler = refuse.
     */
    const askUser = (digits: string) => {
      const handler = initiator ? init.onCompare : chosen?.onCompare;
      const verdict = Promise.resolve().then(() => (handler ? handler(digits, prompt.signal) : false));
      const onVerdict = async (accepted: boolean) => {
        if (settled) return;
        const pr = pairing as Pairing;
        if (!accepted) {
          send(encodeAuthPairing(pr.confirm(false).send as Uint8Array));
          throw new PairingFailedError('numeric comparison rejected');
        }
        // Our confirm goes out; the result (and the trust-store write) waits for the peer's confirm.
        await afterStep(pr.confirm(true));
      };
      verdict.then(
        (accepted) => enqueue(() => onVerdict(accepted)),
        (error: unknown) =>
          enqueue(() => {
            throw error;
          }),
      );
    };

    const onPaired = async (result: PairingResult) => {
      if (!equalBytes(result.peer.publicKey, (peer as PublicIdentity).publicKey))
        throw new InvalidSignatureError('pairing identity differs from the hello');
      if (!equalBytes(result.peerFingerprint, init.remoteFingerprint))
        throw new FingerprintMismatchError('pairing fingerprint differs from the DTLS certificate');
      paired = result;
      if (initiator) {
        stage = 'accept';
        return;
      }
      await commit(result);
      try {
        chosen?.onPaired?.(result);
      } catch {
        // The application's callback cannot undo a committed pairing; its error is its own.
      }
      try {
        port.send(encodeAuthAccept());
      } catch {
        // Closed during the write: the peer is stored and this side succeeds; the initiator, without
        // an accept, does not store and fails — each side's outcome matches its own store.
      }
      succeed(result.peer, true);
    };

    /** Store the paired peer; the commit point of the run (see `runDirectAuth`). */
    const commit = async (result: PairingResult) => {
      committing = true;
      try {
        await rememberPeer(trust, {
          identity: result.peer,
          ...(init.peerName !== undefined ? { name: init.peerName } : {}),
          fingerprints: [result.peerFingerprint],
          pairedAt: now(),
          now: now(),
        });
      } finally {
        committing = false;
      }
    };

    const handle = async (bytes: Uint8Array) => {
      if (settled) return;
      const m = decodeAuthMessage(bytes);
      if (m.type === AuthType.reject) {
        const rejected = new PeerRejectedError(`peer rejected the authentication: ${m.reason}`, m.reason);
        // A responder whose pairing the initiator gave up on (wrong PIN, its own deadline): a failed pairing.
        const pairingGaveUp = !initiator && stage === 'pairing';
        fail(pairingGaveUp ? new PairingFailedError('pairing failed', { cause: rejected }) : rejected, false);
        return;
      }
      if (stage === 'hello' && m.type === AuthType.hello) return onHello(m.hello);
      if (stage === 'proof' && m.type === AuthType.proof) return onProof(m.signature);
      if (stage === 'pairing' && m.type === AuthType.pairing) return onPairing(m.pairing);
      if (stage === 'accept' && m.type === AuthType.accept && initiator) {
        if (paired) await commit(paired);
        succeed(peer as PublicIdentity, paired !== undefined);
        return;
      }
      throw new MalformedInputError(`unexpected auth message type ${m.type} at stage ${stage}`);
    };

    const onAbort = () => fail(init.signal?.reason, true);
    /** Run `task` after everything queued before it; its error fails the run. */
    const enqueue = (task: () => Promise<void> | void) => {
      chain = chain.then(task).catch((error: unknown) => fail(error, true));
    };
    offMessage = port.onMessage((bytes) => {
      inbox.push(bytes);
      enqueue(() => {
        const next = inbox.shift();
        if (next) return handle(next);
      });
    });
    offClose = port.onClose(() => fail(new TransportClosedError('auth channel closed'), false));
    if (settled) return; // the port was closed already
    init.signal?.addEventListener('abort', onAbort);
    const compare = initiator && init.pairing?.kind === 'compare';
    arm(init.deadlineMs ?? (compare ? DIRECT_AUTH_COMPARE_DEADLINE_MS : DIRECT_AUTH_DEADLINE_MS));
    try {
      port.send(encodeAuthHello(own));
    } catch (error) {
      fail(error, false);
    }
  });
}
