/**
 * The installed app (a secure origin that is not the doorbell: localhost, https): no relay, each
 * doorbell reached by WebRTC alone from its card (`connectDirect`). Cards come from the camera, from
 * pasted text, or from the list of remembered doorbells (refreshed by every `hello`). A pairing card
 * pairs by itself; a plain card of a doorbell this browser does not know asks for the doorbell's PIN.
 */
import {
  type BrowserAgent,
  type BrowserConnection,
  createBrowserAgent,
  scanQrFromCamera,
} from '@lanrtc/browser-client';
import { type Card, cardFromQrText } from '@lanrtc/signal-core';
import { app } from './app-state.js';
import { showScreen } from './dom.js';
import { currentSession, startSession } from './live-session.js';
import { type PairHandlers, showCardForm, showPinForm } from './pair-screen.js';
import { listDoorbells, rememberDoorbell } from './store.js';
import { renderSwitcher } from './switcher.js';

/**
 * A remembered card as a verified `Card` without any pairing secret. An expired one is still used
 * for a doorbell this browser is paired with: the connection authenticates the doorbell's identity
 * in-band, and the doorbell keeps its address and ICE credentials across card renewals.
 */
function rememberedCard(text: string): Card {
  try {
    return cardFromQrText(text).card;
  } catch (error) {
    if ((error as Error).name !== 'CardExpiredError') throw error;
    return cardFromQrText(text, 0).card;
  }
}

/** Start the direct-connect viewer. */
export async function startDirect(): Promise<void> {
  app.mode = 'direct';
  const agent: BrowserAgent = await createBrowserAgent();
  app.agent = agent;
  const canScan = globalThis.navigator?.mediaDevices !== undefined;
  let plain: { text: string; card: Card } | undefined;

  const watch = (id: string, first?: BrowserConnection) => {
    const doorbell = listDoorbells().find((d) => d.id === id);
    if (!doorbell) return add();
    let ready = first;
    renderSwitcher(listDoorbells(), id, { select: (next) => watch(next), add });
    void startSession({
      id,
      name: doorbell.name,
      open: async (signal) => {
        const c = ready;
        ready = undefined;
        if (c) return c;
        const latest = listDoorbells().find((d) => d.id === id) ?? doorbell;
        return agent.connectDirect(rememberedCard(latest.card), { signal });
      },
      hello: (m) => rememberDoorbell({ id, name: m.name, card: m.card, lastSeen: Date.now() }),
      unpaired: () => {
        const latest = listDoorbells().find((d) => d.id === id) ?? doorbell;
        plain = { text: latest.card, card: rememberedCard(latest.card) };
        showPinForm(latest.name, handlers, true);
      },
    });
  };

  const connectNew = async (text: string, card: Card, pin?: string) => {
    const connection = await agent.connectDirect(
      card.expiresAt * 1000 > Date.now() ? text : card,
      pin ? { pairing: { kind: 'pin', pin } } : {},
    );
    rememberDoorbell({ id: card.id, name: card.name, card: text, lastSeen: Date.now() });
    plain = undefined;
    watch(card.id, connection);
  };

  const handlers: PairHandlers = {
    async cardText(text) {
      const { card, secret } = cardFromQrText(text);
      if (!secret && !(await agent.trust.get(card.id))) {
        plain = { text, card };
        return showPinForm(card.name, handlers, true);
      }
      await connectNew(text, card);
    },
    async scan(video) {
      await handlers.cardText(
        await scanQrFromCamera({ video, accept: (t) => t.toUpperCase().startsWith('LR1:') }),
      );
    },
    async pin(pin) {
      if (!plain) throw new Error('no doorbell card to pair with');
      await connectNew(plain.text, plain.card, pin);
    },
    cancel() {
      const last = listDoorbells()[0];
      if (currentSession()) showScreen('live');
      else if (last) watch(last.id);
    },
  };

  const add = () => {
    renderSwitcher(listDoorbells(), undefined, { select: (next) => watch(next), add });
    showCardForm(handlers, canScan, listDoorbells().length > 0);
  };

  app.showAdd = add;
  const last = listDoorbells()[0];
  if (last) watch(last.id);
  else add();
  showScreen(last ? 'live' : 'pair');
}
