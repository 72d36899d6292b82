/** The header's doorbell switcher (installed app): one chip per remembered doorbell, and "Add". */
import { byId } from './dom.js';
import type { RememberedDoorbell } from './store.js';

/** Draw the switcher; `current` is highlighted. Hidden while there is one doorbell or none. */
export function renderSwitcher(
  doorbells: readonly RememberedDoorbell[],
  current: string | undefined,
  on: { select(id: string): void; add(): void },
): void {
  const nav = byId('switcher');
  nav.hidden = doorbells.length === 0;
  const chips = doorbells.map((d) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = d.name;
    b.setAttribute('aria-current', String(d.id === current));
    b.dataset.id = d.id;
    b.addEventListener('click', () => d.id !== current && on.select(d.id));
    return b;
  });
  const add = document.createElement('button');
  add.type = 'button';
  add.textContent = '+ Add';
  add.title = 'Add a doorbell';
  add.addEventListener('click', on.add);
  nav.replaceChildren(...(doorbells.length > 1 ? chips : []), add);
}
