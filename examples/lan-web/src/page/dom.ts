/** The element with `id` (typed), or an error naming the missing id. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Show one screen (`start`, `pair`, `device`) and hide the others. */
export function showScreen(name: 'start' | 'pair' | 'device'): void {
  document.querySelectorAll<HTMLElement>('.screen').forEach((s) => {
    s.hidden = s.id !== `screen-${name}`;
  });
}
