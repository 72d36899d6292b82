/**
 * Goodbyes on SIGINT/SIGTERM (RFC 6762 §10.1): without them every peer keeps a dead agent for up to
 * the record TTL. One process-wide listener per signal serves every live announcement; once they are
 * closed, the signal is re-raised if nobody else listens, so the process still exits as it would have.
 */

interface Closable {
  close(): Promise<void>;
}

const live = new Set<Closable>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function onSignal(signal: NodeJS.Signals): void {
  const closing = [...live].map((a) => a.close());
  uninstall();
  void Promise.allSettled(closing).then(() => {
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

function uninstall(): void {
  live.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** Register an announcement for goodbyes on SIGINT/SIGTERM. */
export function retainOnSignals(announcement: Closable, enabled: boolean): void {
  if (!enabled || live.has(announcement)) return;
  if (live.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  live.add(announcement);
}

/** Forget an announcement; removes the listeners when it was the last. */
export function releaseOnSignals(announcement: Closable): void {
  if (!live.delete(announcement)) return;
  if (live.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
}
