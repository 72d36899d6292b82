/**
 * First contact: a PIN (on the relay and the direct path) and a one-time pairing card (direct path),
 * one of each at a time. The PIN rotates by itself after each pairing; the card is re-issued after it
 * pairs; `renew()` withdraws both and shows new ones.
 */
import type { DirectListener, NodeAgent, QrPairing } from '@lanrtc/node-agent';
import type { PinDisplay } from '@lanrtc/signal-core';
import type { DoorbellEvent } from './doorbell.js';

/** The open PIN and pairing card. */
export interface FirstContact {
  pin(): string;
  card(): string;
  /** After a pairing card paired: the next one. */
  nextCard(): void;
  /** Withdraw the PIN and the card, show new ones. */
  renew(): void;
  close(): void;
}

/** Open PIN pairing on `agent` and a pairing card on `listener`; events go to `emit`. */
export function openFirstContact(
  agent: NodeAgent,
  listener: DirectListener,
  emit: (event: DoorbellEvent) => void,
): FirstContact {
  let display: PinDisplay;
  let card: QrPairing;
  const open = () => {
    display = agent.showPin();
    display.onChange((pin) => emit({ kind: 'pin', pin }));
    let failures = display.attempts().failures;
    display.onAttempts((state) => {
      // Called after a pairing too: only a new failure is news.
      if (state.failures > failures) emit({ kind: 'attempts', state });
      failures = state.failures;
    });
    card = listener.openQrPairing();
  };
  const close = () => {
    display.close();
    card.close();
  };
  open();
  return {
    pin: () => display.pin(),
    card: () => card.text,
    nextCard() {
      card.close();
      card = listener.openQrPairing();
      emit({ kind: 'pairing-card', text: card.text });
    },
    renew() {
      close();
      open();
      emit({ kind: 'pin', pin: display.pin() });
      emit({ kind: 'pairing-card', text: card.text });
    },
    close,
  };
}
