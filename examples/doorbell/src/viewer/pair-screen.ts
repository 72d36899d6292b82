/**
 * The pairing screen. Two forms: the PIN the doorbell shows (device-served page; or a plain card
 * the viewer does not know yet), and, on the installed app, the doorbell's card — scanned with the
 * camera when there is one, or pasted. Handlers are async; while one runs the form is busy and its
 * typed error is shown in words.
 */
import { app } from './app-state.js';
import { byId, showScreen } from './dom.js';
import { errorText } from './error-text.js';

/** What the screen asks the app to do. */
export interface PairHandlers {
  pin(pin: string): Promise<void>;
  cardText(text: string): Promise<void>;
  scan(video: HTMLVideoElement): Promise<void>;
  cancel(): void;
}

let handlers: PairHandlers | undefined;
let busy = false;

const setBusy = (on: boolean) =>
  document.querySelectorAll<HTMLButtonElement>('#screen-pair button').forEach((b) => {
    b.disabled = on;
  });

/** Run a handler with the form busy; its error is shown, and rethrown to a caller that awaits it. */
async function run(action: () => Promise<void>): Promise<void> {
  if (busy) throw new Error('the pairing form is busy');
  busy = true;
  showPairError(undefined);
  setBusy(true);
  try {
    await action();
  } catch (error) {
    app.lastError = error;
    showPairError(error);
    throw error;
  } finally {
    busy = false;
    setBusy(false);
  }
}

/** Submit a PIN as if typed (the form's own action; test hooks call it too). */
export function submitPin(pin: string): Promise<void> {
  byId<HTMLInputElement>('pin').value = pin;
  return run(async () => handlers?.pin(pin.trim()));
}

/** Submit a card text as if pasted. */
export function submitCardText(text: string): Promise<void> {
  byId<HTMLTextAreaElement>('card-text').value = text;
  return run(async () => handlers?.cardText(text.trim()));
}

const quietly = (p: Promise<void>) => void p.catch(() => {});
byId('pin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  quietly(submitPin(byId<HTMLInputElement>('pin').value));
});
byId('pin').addEventListener('input', () => {
  const input = byId<HTMLInputElement>('pin');
  input.value = input.value.replace(/\D/g, '').slice(0, 6);
});
byId('card-form').addEventListener('submit', (event) => {
  event.preventDefault();
  quietly(submitCardText(byId<HTMLTextAreaElement>('card-text').value));
});
byId('scan').addEventListener('click', () => {
  const video = byId<HTMLVideoElement>('scan-video');
  video.hidden = false;
  quietly(
    run(async () => handlers?.scan(video)).finally(() => {
      video.hidden = true;
    }),
  );
});
byId('pair-cancel').addEventListener('click', () => handlers?.cancel());

/** Show the PIN form for the doorbell `name`. */
export function showPinForm(name: string, h: PairHandlers, canCancel: boolean): void {
  handlers = h;
  byId('pair-title').textContent = `Pair with ${name}`;
  byId('pair-lead').textContent =
    'Enter the 6-digit PIN the doorbell shows. You do this once: afterwards this browser opens straight to the video.';
  byId('pin-form').hidden = false;
  byId('card-form').hidden = true;
  byId('pair-cancel').hidden = !canCancel;
  byId<HTMLInputElement>('pin').value = '';
  showPairError(undefined);
  showScreen('pair');
  byId('pin').focus();
}

/** Show the card form (scan when the page has a camera, else paste). */
export function showCardForm(h: PairHandlers, canScan: boolean, canCancel: boolean): void {
  handlers = h;
  byId('pair-title').textContent = 'Add a doorbell';
  byId('pair-lead').textContent =
    'Scan the code your doorbell shows (or paste its LR1:… text). A pairing code pairs by itself; for a plain one you will need its PIN.';
  byId('card-form').hidden = false;
  byId('pin-form').hidden = true;
  byId('scan').hidden = !canScan;
  byId('pair-cancel').hidden = !canCancel;
  showPairError(undefined);
  showScreen('pair');
}

/** Show an error in words under the form (undefined clears it). */
export function showPairError(error: unknown): void {
  const p = byId('pair-error');
  p.hidden = error === undefined;
  p.textContent = error === undefined ? '' : errorText(error);
}
