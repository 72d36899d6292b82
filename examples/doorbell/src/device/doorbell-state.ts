/**
 * What the doorbell keeps beside its identity: the direct-connect ICE credentials in its card, so the
 * card a viewer remembered stays valid across restarts. `<config>/doorbell.json`, mode 0600, written
 * atomically (temporary file, then rename).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateIceCredentials } from '@lanrtc/node-agent';
import { CorruptDoorbellStateError } from './errors.js';

/** The persisted state. */
export interface DoorbellState {
  readonly v: 1;
  readonly ice: { readonly ufrag: string; readonly pwd: string };
}

const ICE_CHARS = /^[A-Za-z0-9+/]+$/; // RFC 8839 §5.4 ice-char

/** Load `<dir>/doorbell.json`, creating it with fresh ICE credentials on first use. */
export async function loadOrCreateDoorbellState(dir: string): Promise<DoorbellState> {
  const file = join(dir, 'doorbell.json');
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) return parseDoorbellState(text, file);
  const state: DoorbellState = { v: 1, ice: generateIceCredentials() };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
  return state;
}

/** Check a state file's text; `CorruptDoorbellStateError` names the file and what is wrong. */
export function parseDoorbellState(text: string, file = 'doorbell.json'): DoorbellState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptDoorbellStateError(`${file} is not JSON; move it away to start afresh`, {
      cause: error,
    });
  }
  const v = value as { v?: unknown; ice?: { ufrag?: unknown; pwd?: unknown } } | null;
  if (v === null || typeof v !== 'object' || v.v !== 1)
    throw new CorruptDoorbellStateError(`${file}: not a version 1 doorbell state`);
  const { ufrag, pwd } = v.ice ?? {};
  const ok = (s: unknown, min: number): s is string =>
    typeof s === 'string' && s.length >= min && s.length <= 256 && ICE_CHARS.test(s);
  if (!ok(ufrag, 4) || !ok(pwd, 22)) throw new CorruptDoorbellStateError(`${file}: bad ICE credentials`);
  return { v: 1, ice: { ufrag, pwd } };
}
