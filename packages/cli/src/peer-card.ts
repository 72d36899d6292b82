/**
 * Names for peers paired from the CLI. The connecting side knows the device's card (its name is
 * stored when pairing); the device does not know the connecting side's name. So right after a
 * pairing the connecting CLI sends its own signed card (no candidates: it only names this identity)
 * on channel `lanrtc-card`, and `lanrtc listen` stores that name and those device types for the
 * peer — only when the card verifies, is the authenticated peer's own, and the record has no name yet.
 */
import type { NodeConnection, WeriftSessionPeer } from '@lanrtc/node-agent';
import { openCard, type TrustStore } from '@lanrtc/signal-core';
import { buildDeviceCard } from './device-card.js';
import type { DeviceState } from './state.js';

/** Label of the channel that carries the connecting side's card after a pairing. */
export const PEER_CARD_CHANNEL = 'lanrtc-card';
/** How long `listen` waits for the card after a pairing. */
const PEER_CARD_WAIT_MS = 5_000;

/** Send this machine's card, named `name`, to a device just paired with. */
export async function sendOwnCard(peer: WeriftSessionPeer, state: DeviceState, name: string): Promise<void> {
  const bytes = buildDeviceCard(state, { name, deviceTypes: ['cli'], addresses: [], port: 1 });
  peer.createDataChannel(PEER_CARD_CHANNEL);
  const channel = await peer.channel(PEER_CARD_CHANNEL);
  channel.send(Buffer.from(bytes));
}

/**
 * Wait for the paired peer's card and store its name and types; resolves to the stored name, or
 * undefined when none came, it did not verify, it is another identity's, or the record has a name.
 */
export async function nameFromPeerCard(
  connection: NodeConnection,
  trust: TrustStore,
): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), PEER_CARD_WAIT_MS);
  });
  const received = connection.peer.channel(PEER_CARD_CHANNEL).then(
    (channel) =>
      new Promise<Uint8Array>((resolve) => {
        channel.onMessage.subscribe((m) =>
          resolve(typeof m === 'string' ? new Uint8Array() : new Uint8Array(m)),
        );
      }),
  );
  try {
    const bytes = await Promise.race([received, timeout]);
    if (!bytes) return undefined;
    const card = openCard(bytes); // signature and expiry: a card the peer cannot forge for another id
    if (card.id !== connection.remote.id) return undefined;
    const stored = await trust.update(card.id, (peer) =>
      peer && peer.name === '' ? { ...peer, name: card.name, deviceTypes: card.deviceTypes } : undefined,
    );
    return stored?.name === card.name ? card.name : undefined;
  } catch {
    return undefined; // a malformed or forged card names nobody; the connection itself is fine
  } finally {
    clearTimeout(timer);
  }
}
