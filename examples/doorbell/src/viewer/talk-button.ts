/**
 * The push-to-talk button: held with the mouse, a finger or the Space key. Shown only where the page
 * can open a microphone (`navigator.mediaDevices` exists: a secure context); on the doorbell's own
 * http page a one-line hint says talk-back needs the installed app.
 */
import { byId } from './dom.js';
import { errorText } from './error-text.js';
import type { Talk } from './talk.js';

/** Wire the button to whatever `talk()` returns (undefined while there is no connection). */
export function wireTalkButton(talk: () => Talk | undefined, onError: (error: unknown) => void): void {
  const button = byId<HTMLButtonElement>('talk');
  const hint = byId('talk-hint');
  const canTalk = globalThis.navigator?.mediaDevices !== undefined;
  button.hidden = !canTalk;
  hint.hidden = canTalk;
  if (!canTalk) return;

  const show = (on: boolean) => {
    button.setAttribute('aria-pressed', String(on));
    button.textContent = on ? 'Talking… release to stop' : 'Hold to talk';
  };
  const press = () => {
    const t = talk();
    if (!t || t.on) return;
    show(true);
    hint.hidden = true;
    t.press().catch((error: unknown) => {
      show(false);
      hint.textContent = errorText(error);
      hint.hidden = false;
      onError(error);
    });
  };
  const release = () => {
    talk()?.release();
    show(false);
  };

  button.addEventListener('pointerdown', (event) => {
    button.setPointerCapture(event.pointerId);
    press();
  });
  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'] as const)
    button.addEventListener(type, release);
  button.addEventListener('contextmenu', (event) => event.preventDefault());
  const typing = (target: EventTarget | null) =>
    target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
  document.addEventListener('keydown', (event) => {
    if (event.code !== 'Space' || event.repeat || typing(event.target) || button.hidden) return;
    event.preventDefault();
    press();
  });
  document.addEventListener('keyup', (event) => {
    if (event.code !== 'Space' || typing(event.target) || button.hidden) return;
    event.preventDefault();
    release();
  });
}

/** Show the button as released (the connection changed under a held button). */
export function resetTalkButton(): void {
  const button = byId('talk');
  button.setAttribute('aria-pressed', 'false');
  button.textContent = 'Hold to talk';
}
