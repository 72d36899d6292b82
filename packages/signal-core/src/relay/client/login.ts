/**
 * The client's side of the relay login (docs/PROTOCOL.md §"Relay protocol", login): answer the
 * relay's `hello` challenge with a signature bound to the endpoint dialled, and check its `welcome`.
 */
import { RelayHandshakeError } from '../../errors.js';
import { toBase32 } from '../../identity/base32.js';
import type { Identity } from '../../identity/identity.js';
import { signRelayChallenge } from '../auth.js';
import { encodeRelayFrame, type RelayFrame } from '../frames.js';

/**
 * The `auth` frame answering `hello`. The relay names the endpoint it believes it was reached at;
 * signing only for the one I dialled stops a man in the middle from logging in elsewhere with my
 * answer (`RelayHandshakeError` when they differ). A fresh challenge on every (re)login: nothing from
 * an earlier login is reused.
 */
export function answerHello(
  identity: Identity,
  endpoint: string,
  hello: Extract<RelayFrame, { type: 'hello' }>,
): Uint8Array {
  if (hello.endpoint !== endpoint) throw new RelayHandshakeError('relay endpoint mismatch');
  const signature = signRelayChallenge(identity, hello.challenge, endpoint);
  return encodeRelayFrame({ type: 'auth', publicKey: identity.publicKey, signature });
}

/** True when `welcome` logs in `identity` (the relay echoes the id it verified). */
export function welcomesMe(identity: Identity, welcome: Extract<RelayFrame, { type: 'welcome' }>): boolean {
  return toBase32(welcome.id) === identity.id;
}
