/**
 * The pairing driver of the signalling agent: feeds `pairing` envelopes of one session to the CPace
 * state machine until it yields a result (stored in the trust store) or fails, and tells the peer
 * when a pairing ends here early.
 */
import { type AbortSignalLike, createAbortHandle } from '../encoding/abort.js';
import { equalBytes } from '../encoding/bytes.js';
import type { OpenedEnvelope } from '../envelope/envelope.js';
import { InvalidSignatureError, PairingFailedError } from '../errors.js';
import { encodePairingAbort } from '../pairing/messages.js';
import type { Pairing, PairingResult } from '../pairing/pairing.js';
import { PAIRING_STEP_DEADLINE_MS } from '../pairing/policy.js';
import { rememberPeer } from '../trust/peers.js';
import type { SessionIo, SessionState } from './session-io.js';
import type { CompareHandler } from './types.js';

const PAIRING_ABORT = encodePairingAbort();

/**
 * Feed pairing envelopes to the state machine until it yields a result. Compare mode: the user's
 * verdict and the peer's next message are awaited together — the peer's confirm (its user said yes)
 * or abort (no) may come while ours is still deciding — within one deadline for both verdicts
 * (4 × `timeoutMs` from the digits). The result, and so the trust-store write, needs both confirms.
 */
export async function runPairing(
  io: SessionIo,
  s: SessionState,
  pairing: Pairing,
  first: OpenedEnvelope,
  onCompare: CompareHandler | undefined,
): Promise<PairingResult> {
  // Aborted when the run fails, so a prompt still showing is taken down (success needs our verdict).
  const prompt = createAbortHandle();
  try {
    return await pairingLoop(io, s, pairing, first, onCompare, prompt.signal);
  } catch (error) {
    prompt.abort(error);
    throw error;
  }
}

async function pairingLoop(
  io: SessionIo,
  s: SessionState,
  pairing: Pairing,
  first: OpenedEnvelope,
  onCompare: CompareHandler | undefined,
  promptSignal: AbortSignalLike,
): Promise<PairingResult> {
  let env = first;
  let out = receivePairing(pairing, env);
  let verdict: Promise<{ accepted: boolean }> | undefined;
  let next: Promise<{ env: OpenedEnvelope }> | undefined;
  let deadline: number | undefined;
  for (;;) {
    if (out.send) await io.send(s, 'pairing', out.send);
    if (out.compare !== undefined) {
      // No handler = refuse. The handler runs while we keep reading the peer's messages.
      const digits = out.compare;
      deadline = Date.now() + io.timeoutMs * 4;
      verdict = Promise.resolve(onCompare ? onCompare(digits, promptSignal) : false).then((v) => ({
        accepted: v,
      }));
      verdict.catch(() => {}); // still pending when the run ends early (the peer's abort, a timeout)
    }
    if (out.result) {
      // The PAKE transcript names an identity key; it must be the key that signed the envelopes.
      if (!equalBytes(out.result.peer.publicKey, env.sender.publicKey)) {
        throw new InvalidSignatureError('pairing identity differs from the envelope signer');
      }
      await rememberPeer(io.trust, {
        identity: out.result.peer,
        fingerprints: [out.result.peerFingerprint],
        pairedAt: io.now(),
        now: io.now(),
      });
      return out.result;
    }
    if (!next) {
      // Until the digits, each step is machine speed (the user typed the PIN before the hello): the
      // responder waits one step deadline, so a stalled initiator cannot hold the device's window.
      const step =
        pairing.role === 'responder' ? Math.min(io.timeoutMs, PAIRING_STEP_DEADLINE_MS) : io.timeoutMs;
      const wait = deadline === undefined ? step : Math.max(0, deadline - Date.now());
      const late =
        deadline === undefined ? undefined : 'the comparison was not confirmed by both users in time';
      next = io.next(s, ['pairing'], wait, late).then((e) => ({ env: e }));
      next.catch(() => {}); // a take still pending when the verdict ends the run
    }
    const got = await (verdict ? Promise.race([next, verdict]) : next);
    if ('accepted' in got) {
      verdict = undefined;
      if (!got.accepted) {
        pairing.confirm(false); // fails the pairing; the caller's abortPairing tells the peer
        throw new PairingFailedError('numeric comparison rejected');
      }
      out = pairing.confirm(true);
      continue;
    }
    next = undefined;
    env = got.env;
    out = receivePairing(pairing, env);
  }
}

/** Pairings the peer ended with an abort: they get no abort back (it would start a new attempt). */
const abortedByPeer = new WeakSet<Pairing>();

function receivePairing(pairing: Pairing, env: OpenedEnvelope) {
  if (equalBytes(env.payload, PAIRING_ABORT)) abortedByPeer.add(pairing);
  return pairing.receive(env.payload);
}

/** Tell the peer a pairing ended here (unless it completed, or the peer ended it). */
export async function abortPairing(io: SessionIo, s: SessionState, pairing: Pairing): Promise<void> {
  // Also after a local failure: the peer must learn at once, not wait for its deadline.
  if (pairing.state === 'done' || abortedByPeer.has(pairing)) return;
  await io.send(s, 'pairing', pairing.abort()).catch(() => {});
}
