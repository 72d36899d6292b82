/** The page's elements by id, typed; a missing one is a build mistake, so it throws at once. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Show exactly one of the page's screens. */
export function showScreen(name: 'loading' | 'pair' | 'live'): void {
  for (const s of ['loading', 'pair', 'live']) byId(`screen-${s}`).hidden = s !== name;
  // The connection's state means something only next to the video.
  byId('link-state').hidden = name !== 'live';
}

/** A clock time for a ring: "14:03:27", with the date when it is not today. */
export function ringTime(at: number): string {
  const d = new Date(at);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return d.toDateString() === new Date().toDateString()
    ? time
    : `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
}
