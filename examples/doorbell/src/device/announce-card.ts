/** The doorbell's card over mDNS (DNS-SD subtype of its device type), kept current as the listener re-issues it. */
import { announce } from '@lanrtc/mdns-announcer';
import type { DirectListener } from '@lanrtc/node-agent';
import type { Logger } from '@lanrtc/signal-core';
import { equalBytes } from '@lanrtc/signal-core/codec';

/** How often the announced card is compared with the listener's (it re-issues before expiry). */
const CARD_CHECK_MS = 60_000;

/** Announce the card over mDNS and keep the announcement current as the card is re-issued. */
export async function announceCard(
  listener: DirectListener,
  init: { readonly address: string; readonly logger?: Logger },
  onProblem: (error: Error) => void,
): Promise<{ close(): Promise<void> }> {
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
    ad.update(bytes).catch(onProblem);
  }, CARD_CHECK_MS);
  return {
    close: async () => {
      clearInterval(check);
      await ad.close();
    },
  };
}
