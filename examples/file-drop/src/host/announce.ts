/**
 * The host over mDNS: its agent's signed card with device type `files`, so `lanrtc browse` and other
 * LAN tools find it. The card comes from a direct listener (what signs the card's address and
 * certificate); pages reach the host over its relay.
 */
import { announce } from '@lanrtc/mdns-announcer';
import type { NodeAgent } from '@lanrtc/node-agent';
import type { Logger } from '@lanrtc/signal-core';
import { equalBytes } from '@lanrtc/signal-core/codec';

/** How often the announced card is compared with the listener's (it re-issues before expiry). */
const CARD_CHECK_MS = 60_000;

/** Announce the host; `close` says goodbye (TTL 0) and stops the listener. */
export async function announceHost(
  agent: NodeAgent,
  init: {
    readonly name: string;
    readonly address: string;
    readonly deviceType: string;
    readonly logger?: Logger;
  },
): Promise<{ close(): Promise<void> }> {
  const listener = await agent.listenDirect({
    name: init.name,
    deviceTypes: [init.deviceType],
    addresses: [init.address],
    port: 0,
  });
  let announced = listener.cardBytes();
  const ad = await announce({
    card: announced,
    port: listener.port,
    interfaces: [init.address],
    handleSignals: false,
    ...(init.logger ? { logger: init.logger } : {}),
  });
  const check = setInterval(() => {
    const bytes = listener.cardBytes();
    if (equalBytes(bytes, announced)) return;
    announced = bytes;
    ad.update(bytes).catch(() => undefined);
  }, CARD_CHECK_MS);
  return {
    async close() {
      clearInterval(check);
      await ad.close();
      await listener.close();
    },
  };
}
