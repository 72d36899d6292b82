/**
 * The stick and the dash button, from the keyboard (WASD or arrows, Space) and from touch (drag
 * anywhere on the left part of the field for a joystick, the DASH button on the right). The page
 * reads `stick()` once per tick.
 */
import { AXIS_MAX } from '../shared/constants.js';

/** The current controls. */
export interface Controls {
  /** The stick (axes −127…127) and whether dash was pressed since the last read. */
  stick(): { dx: number; dy: number; dash: boolean };
  close(): void;
}

/** Joystick travel for full stick, CSS pixels. */
const JOYSTICK_RADIUS = 60;

/** Listen to the keyboard on `window` and to touch on `pad` (the joystick) and `dashButton`. */
export function createControls(pad: HTMLElement, dashButton: HTMLElement, knob: HTMLElement): Controls {
  const keys = new Set<string>();
  let dashPressed = false;
  let touch: { id: number; x0: number; y0: number; x: number; y: number } | undefined;
  const onKey = (down: boolean) => (e: KeyboardEvent) => {
    if ((e.target as HTMLElement | null)?.tagName === 'INPUT') return;
    const k = e.key.toLowerCase();
    if (k === ' ' || k === 'shift') {
      if (down && !e.repeat) dashPressed = true;
      e.preventDefault();
      return;
    }
    if (['w', 'a', 's', 'd', 'arrowup', 'arrowdown', 'arrowleft', 'arrowright'].includes(k)) {
      if (down) keys.add(k);
      else keys.delete(k);
      e.preventDefault();
    }
  };
  const keyDown = onKey(true);
  const keyUp = onKey(false);
  const blur = () => keys.clear();
  const showKnob = () => {
    if (!touch) {
      knob.hidden = true;
      return;
    }
    knob.hidden = false;
    const dx = clampLen(touch.x - touch.x0, touch.y - touch.y0);
    knob.style.transform = `translate(${touch.x0 + dx.x}px, ${touch.y0 + dx.y}px)`;
  };
  const down = (e: PointerEvent) => {
    if (touch) return;
    pad.setPointerCapture(e.pointerId);
    touch = { id: e.pointerId, x0: e.clientX, y0: e.clientY, x: e.clientX, y: e.clientY };
    showKnob();
  };
  const move = (e: PointerEvent) => {
    if (touch?.id !== e.pointerId) return;
    touch.x = e.clientX;
    touch.y = e.clientY;
    showKnob();
  };
  const up = (e: PointerEvent) => {
    if (touch?.id !== e.pointerId) return;
    touch = undefined;
    showKnob();
  };
  const dash = (e: Event) => {
    dashPressed = true;
    e.preventDefault();
  };
  globalThis.addEventListener('keydown', keyDown);
  globalThis.addEventListener('keyup', keyUp);
  globalThis.addEventListener('blur', blur);
  pad.addEventListener('pointerdown', down);
  pad.addEventListener('pointermove', move);
  pad.addEventListener('pointerup', up);
  pad.addEventListener('pointercancel', up);
  dashButton.addEventListener('pointerdown', dash);
  return {
    stick() {
      let dx = 0;
      let dy = 0;
      if (touch) {
        const v = clampLen(touch.x - touch.x0, touch.y - touch.y0);
        dx = (v.x / JOYSTICK_RADIUS) * AXIS_MAX;
        dy = (v.y / JOYSTICK_RADIUS) * AXIS_MAX;
      } else {
        if (keys.has('a') || keys.has('arrowleft')) dx -= AXIS_MAX;
        if (keys.has('d') || keys.has('arrowright')) dx += AXIS_MAX;
        if (keys.has('w') || keys.has('arrowup')) dy -= AXIS_MAX;
        if (keys.has('s') || keys.has('arrowdown')) dy += AXIS_MAX;
      }
      const dash = dashPressed;
      dashPressed = false;
      // Diagonals are shortened to full length by the game client (the host rejects longer vectors).
      return { dx, dy, dash };
    },
    close() {
      globalThis.removeEventListener('keydown', keyDown);
      globalThis.removeEventListener('keyup', keyUp);
      globalThis.removeEventListener('blur', blur);
      pad.removeEventListener('pointerdown', down);
      pad.removeEventListener('pointermove', move);
      pad.removeEventListener('pointerup', up);
      pad.removeEventListener('pointercancel', up);
      dashButton.removeEventListener('pointerdown', dash);
    },
  };
}

function clampLen(x: number, y: number): { x: number; y: number } {
  const len = Math.hypot(x, y);
  return len > JOYSTICK_RADIUS
    ? { x: (x / len) * JOYSTICK_RADIUS, y: (y / len) * JOYSTICK_RADIUS }
    : { x, y };
}
