/** Small DOM helpers: find an element the page must have, and make one. */

/** The element with `id` (the page's HTML has it; a missing one is a build mistake). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** A new element with a class and text. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = '',
  text = '',
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text) el.textContent = text;
  return el;
}

/** Show the screen `id` and hide the others. */
export function showScreen(id: 'screen-message' | 'screen-name' | 'screen-main'): void {
  document.querySelectorAll<HTMLElement>('.screen').forEach((s) => {
    s.hidden = s.id !== id;
  });
}
