/**
 * The device side of PIN pairing in the terminal (`lanrtc listen --pin`, `lanrtc receive --pin`):
 * each PIN as it changes, and failed attempts as they come, with the lock when someone is guessing.
 */
import type { NodeAgent } from '@lanrtc/node-agent';
import type { AttemptPolicyState } from '@lanrtc/signal-core';
import { type CliIo, writeLine } from './io.js';

/**
 * Open the agent's PIN window and print `PIN: …` now and at each change, and a line per failed
 * attempt; `onLocked` runs when failures lock PIN pairing, and the lock line says what to do
 * `instead`. `close()` withdraws the PIN.
 */
export function showPins(
  agent: NodeAgent,
  io: CliIo,
  onLocked?: () => void,
  instead = 'pair with the pairing card instead',
): { close(): void } {
  // The agent's PIN display: a new PIN after each pairing and when one expires.
  const display = agent.showPin();
  display.onChange((pin) => writeLine(io.stdout, `PIN: ${pin}`));
  let failures = 0;
  display.onAttempts((state) => {
    if (state.failures === failures) return; // a pairing, not a failure
    failures = state.failures;
    for (const line of attemptLines(state, Date.now(), instead)) writeLine(io.stdout, line);
    if (state.locked) onLocked?.();
  });
  writeLine(io.stdout, `PIN: ${display.pin()}`);
  return { close: () => display.close() };
}

/** What the device's user should know about failed PIN attempts: how many, and whether PIN pairing is locked. */
export function attemptLines(
  state: AttemptPolicyState,
  now = Date.now(),
  instead = 'pair with the pairing card instead',
): string[] {
  if (state.locked === undefined) return [`failed PIN attempt (${state.failuresToday} in 24 h)`];
  const seconds = Math.max(1, Math.ceil((state.lockedUntil - now) / 1000));
  const why =
    state.locked === 'daily-limit' ? 'the daily limit of wrong PINs is reached' : 'too many wrong PINs';
  return [
    `someone may be guessing the PIN: ${why} (${state.failuresToday} in 24 h); PIN pairing locked for ${seconds} s — ${instead}`,
  ];
}
