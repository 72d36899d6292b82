/**
 * The ICE credentials a device's card carries (RFC 8839 §5.4 ice-ufrag / ice-pwd), persisted in
 * `<config>/ice.json` so the card — printed, scanned and cached by peers — stays valid across
 * restarts. They are published in the card, hence not secret; the file is still owner-only.
 */
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { generateIceCredentials } from '@lanrtc/node-agent';
import type { CardIce } from '@lanrtc/signal-core';
import { CorruptCliFileError } from './errors.js';

/** Version of `ice.json`. */
export const ICE_FILE_VERSION = 1;
const UFRAG = /^[A-Za-z0-9+/]{4,32}$/;
const PWD = /^[A-Za-z0-9+/]{22,256}$/;

/** Load `<dir>/ice.json`, or create it with fresh credentials (created without replacing, as the identity is). */
export async function loadOrCreateIce(dir: string): Promise<CardIce> {
  const file = join(dir, 'ice.json');
  const existing = await readIfExists(file);
  if (existing !== undefined) return parseIceFile(existing, file);
  const ice = generateIceCredentials();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ v: ICE_FILE_VERSION, ...ice })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file); // fails with EEXIST if another process created it first
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause;
    await unlink(temp);
    return parseIceFile((await readIfExists(file)) ?? '', file);
  }
  await unlink(temp);
  return ice;
}

/** Parse `ice.json` text; `CorruptCliFileError` naming the file otherwise. */
export function parseIceFile(text: string, file: string): CardIce {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CorruptCliFileError(`${file}: not JSON`, { cause });
  }
  const doc = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (doc.v !== ICE_FILE_VERSION) throw new CorruptCliFileError(`${file}: unknown version`);
  const { ufrag, pwd } = doc;
  if (typeof ufrag !== 'string' || !UFRAG.test(ufrag) || typeof pwd !== 'string' || !PWD.test(pwd))
    throw new CorruptCliFileError(`${file}: ufrag/pwd are not RFC 8839 ice-chars of valid length`);
  return { ufrag, pwd };
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, { encoding: 'utf8', flag: 'r' });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
}
