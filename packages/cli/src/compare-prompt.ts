/**
 * Numeric comparison on the terminal (`lanrtc receive --compare`, `lanrtc send` on first contact): the
 * six digits both screens show after the commit-then-reveal exchange, and the question whether the
 * other screen shows the same. Pairing completes only when both people answer yes.
 */
import type { CompareHandler } from '@lanrtc/signal-core';
import { askYesNo } from './ask.js';
import type { CliIo } from './io.js';

/** The question each side asks about the digits. */
export const COMPARE_QUESTION = 'same digits on the other screen?';

/**
 * A `CompareHandler` that prints `pairing code: 123 456` (through `say`, so it lands above any
 * progress bars) and asks `COMPARE_QUESTION` on the terminal. Only one comparison is asked at a time:
 * a second one meanwhile is refused (answered no), since two questions cannot share one keyboard.
 */
export function terminalCompare(io: CliIo, say: (line: string) => void): CompareHandler {
  let asking = false;
  return async (digits, signal) => {
    if (asking) {
      say('refused a second comparison while one is being asked');
      return false;
    }
    asking = true;
    // The pairing may end (the other side said no, a timeout) while the question is up: take it down.
    const stop = new AbortController();
    const onStop = () => stop.abort(signal.reason);
    const onIo = () => stop.abort(io.signal.reason);
    signal.addEventListener('abort', onStop);
    io.signal.addEventListener('abort', onIo, { once: true });
    if (signal.aborted) onStop();
    try {
      say(`pairing code: ${digits.slice(0, 3)} ${digits.slice(3)}`);
      const same = await askYesNo(COMPARE_QUESTION, { ...io, signal: stop.signal });
      // Nothing else shows until the other person answers: say what is awaited.
      if (same && !signal.aborted) say('waiting for the other screen to confirm…');
      return same;
    } catch (error) {
      // Taken down because the pairing ended: its own error says why; the verdict is ignored.
      if (signal.aborted && !io.signal.aborted) return false;
      throw error;
    } finally {
      signal.removeEventListener('abort', onStop);
      io.signal.removeEventListener('abort', onIo);
      asking = false;
    }
  };
}
