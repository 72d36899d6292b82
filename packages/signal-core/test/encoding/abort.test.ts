import { describe, expect, it } from 'vitest';
import { createAbortHandle } from '../../src/encoding/abort.js';

describe('createAbortHandle', () => {
  it('aborts once: listeners run in order with the first reason, later aborts change nothing', () => {
    const { signal, abort } = createAbortHandle();
    const calls: string[] = [];
    const first = () => calls.push(`first:${String(signal.reason)}`);
    const removed = () => calls.push('removed');
    signal.addEventListener('abort', first);
    signal.addEventListener('abort', removed);
    signal.addEventListener('abort', () => {
      throw new Error('a failing listener');
    });
    signal.addEventListener('abort', () => calls.push('last'));
    signal.removeEventListener('abort', removed);
    expect(signal.aborted).toBe(false);
    abort('why');
    abort('again');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('why');
    expect(calls).toEqual(['first:why', 'last']);
    // A listener added after the abort is not called (as with AbortSignal, check `aborted` first).
    signal.addEventListener('abort', () => calls.push('late'));
    abort('third');
    expect(calls).toEqual(['first:why', 'last']);
  });
});
