/**
 * Process-wide safety net: every open LAN registers here, and exit, SIGINT/SIGTERM/SIGHUP and uncaught
 * exceptions tear all of them down synchronously (no promise can run in an 'exit' handler). SIGKILL
 * runs no handler at all; for that, the next run's stale cleanup (stale.ts) removes the leftovers.
 */

/** Something that can tear itself down without awaiting (an open LAN). */
export interface SyncClosable {
  closeSync(): void;
}

const open = new Set<SyncClosable>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function closeAllSync(): void {
  for (const lan of [...open]) lan.closeSync();
}

function onSignal(signal: NodeJS.Signals): void {
  closeAllSync();
  // Our listener replaced the default action (terminate). If nobody else listens, restore it and
  // re-raise, so the process still dies of the signal with the usual exit status.
  if (process.listenerCount(signal) <= 1) {
    uninstall();
    process.kill(process.pid, signal);
  }
}

function onExit(): void {
  closeAllSync();
}

// uncaughtExceptionMonitor observes without changing Node's crash behaviour ('exit' is not emitted
// after an uncaught exception, so this is the only hook that runs there).
function onCrash(): void {
  closeAllSync();
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onCrash);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  process.off('uncaughtExceptionMonitor', onCrash);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Registers an open LAN; the handlers are installed while at least one is registered. */
export function registerOpen(lan: SyncClosable): void {
  open.add(lan);
  install();
}

/** Unregisters a closed LAN; the last one removes the handlers again. */
export function unregisterOpen(lan: SyncClosable): void {
  open.delete(lan);
  if (open.size === 0) uninstall();
}

/** Number of LANs of this process that are still open (tests use it to prove nothing leaks). */
export function openLanCount(): number {
  return open.size;
}
