/**
 * The agent's long-term identity and its DTLS certificate in one 0600 file (docs/ARCHITECTURE.md
 * "The objects"): `{ "v": 1, "identity": exportIdentity(…), "certificate": {…} }`, the
 * certificate in `serializeDtlsCertificate`'s form. Created once, atomically and without replacing
 * (two processes starting at once end up with the same identity); a damaged file is an error, never
 * silently replaced — a new identity would orphan every pairing made with the old one.
 */
import { join } from 'node:path';
import {
  CorruptStoreError,
  createIdentity,
  exportIdentity,
  type Identity,
  InvalidArgumentError,
  importIdentity,
  MalformedInputError,
  UnsupportedVersionError,
} from '@lanrtc/signal-core';
import { InvalidCertificateError } from '../errors.js';
import {
  createDtlsCertificate,
  type DtlsCertificate,
  parseDtlsCertificate,
  serializeDtlsCertificate,
} from '../peer/certificate.js';
import { defaultConfigDir } from './config-dir.js';
import {
  ensurePrivateDir,
  readPrivateFile,
  removeStaleTemps,
  writePrivateFileAtomic,
} from './private-file.js';

/** Options of `loadOrCreateNodeIdentity`. */
export interface NodeIdentityInit {
  /** Directory of the file (default `defaultConfigDir()`); created 0700 if missing. */
  readonly dir?: string;
  /** File name without extension (default `identity`, i.e. `<dir>/identity.json`); letters, digits, `._-`. */
  readonly name?: string;
  /** Accept a file that group/others can access (default false: `InsecureFileModeError`). */
  readonly allowInsecureMode?: boolean;
}

/** A loaded or newly created node identity. */
export interface NodeIdentity {
  readonly identity: Identity;
  readonly certificate: DtlsCertificate;
  /** The file it lives in. */
  readonly file: string;
  /** True when this call created the file. */
  readonly created: boolean;
}

/** The only identity file version this build reads and writes. */
export const IDENTITY_FILE_VERSION = 1;
const MAX_IDENTITY_FILE_BYTES = 64 * 1024;
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

/** Load `<dir>/<name>.json`, or create it with a fresh identity and DTLS certificate if it does not exist. */
export async function loadOrCreateNodeIdentity(init: NodeIdentityInit = {}): Promise<NodeIdentity> {
  const name = init.name ?? 'identity';
  if (!NAME.test(name)) throw new InvalidArgumentError('identity name: letters, digits, ".", "_", "-" only');
  const dir = init.dir ?? defaultConfigDir();
  const file = join(dir, `${name}.json`);
  const readOptions = {
    allowInsecureMode: init.allowInsecureMode ?? false,
    maxBytes: MAX_IDENTITY_FILE_BYTES,
  };
  await ensurePrivateDir(dir);
  // A writer killed mid-create leaves its temporary, which holds a secret key: remove it.
  await removeStaleTemps(file);

  const existing = await readPrivateFile(file, readOptions);
  if (existing !== undefined) return { ...parseIdentityFile(existing, file), file, created: false };

  const identity = createIdentity();
  const certificate = await createDtlsCertificate();
  const text = `${JSON.stringify({
    v: IDENTITY_FILE_VERSION,
    identity: exportIdentity(identity),
    certificate: JSON.parse(serializeDtlsCertificate(certificate)),
  })}\n`;
  if (await writePrivateFileAtomic(file, text, false)) return { identity, certificate, file, created: true };
  // Another process created it first: use theirs, so both agree on one identity.
  const theirs = await readPrivateFile(file, readOptions);
  if (theirs === undefined) throw new CorruptStoreError(`${file} vanished while being created`);
  return { ...parseIdentityFile(theirs, file), file, created: false };
}

/** Parse an identity file's text; `CorruptStoreError` / `UnsupportedVersionError`, naming `file`, never a key. */
export function parseIdentityFile(
  text: string,
  file: string,
): { readonly identity: Identity; readonly certificate: DtlsCertificate } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new CorruptStoreError(`${file}: identity file is not JSON (truncated or overwritten?)`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CorruptStoreError(`${file}: identity file is not a JSON object`);
  const doc = value as Record<string, unknown>;
  if (typeof doc.v === 'number' && Number.isSafeInteger(doc.v) && doc.v !== IDENTITY_FILE_VERSION)
    throw new UnsupportedVersionError(`${file}: identity file version ${doc.v}`);
  if (doc.v !== IDENTITY_FILE_VERSION)
    throw new CorruptStoreError(`${file}: identity file has no version number`);
  if (typeof doc.identity !== 'string') throw new CorruptStoreError(`${file}: "identity" is not a string`);
  let identity: Identity;
  try {
    identity = importIdentity(doc.identity);
  } catch (cause) {
    if (cause instanceof UnsupportedVersionError)
      throw new UnsupportedVersionError(`${file}: identity key format`, { cause });
    if (cause instanceof MalformedInputError || cause instanceof InvalidArgumentError)
      throw new CorruptStoreError(`${file}: identity key does not decode`, { cause });
    throw cause;
  }
  let certificate: DtlsCertificate;
  try {
    certificate = parseDtlsCertificate(JSON.stringify(doc.certificate ?? null));
  } catch (cause) {
    if (cause instanceof InvalidCertificateError)
      throw new CorruptStoreError(`${file}: DTLS certificate is invalid`, { cause });
    throw cause;
  }
  return { identity, certificate };
}
