/** The node identity file: creation with modes, reloading, refusing insecure or damaged files. */
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportIdentity, InvalidArgumentError, UnsupportedVersionError } from '@lanrtc/signal-core';
import { describe, expect, it } from 'vitest';
import {
  CorruptStoreError,
  certificateFingerprint,
  defaultConfigDir,
  InsecureFileModeError,
  loadOrCreateNodeIdentity,
} from '../../src/index.js';
import { tempDir } from './support.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('defaultConfigDir', () => {
  it('uses $XDG_CONFIG_HOME/lanrtc, else ~/.config/lanrtc (a relative XDG value is ignored)', () => {
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/x/conf' }, '/home/u')).toBe('/x/conf/lanrtc');
    expect(defaultConfigDir({}, '/home/u')).toBe('/home/u/.config/lanrtc');
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '' }, '/home/u')).toBe('/home/u/.config/lanrtc');
    expect(defaultConfigDir({ XDG_CONFIG_HOME: 'rel/conf' }, '/home/u')).toBe('/home/u/.config/lanrtc');
  });
});

describe('loadOrCreateNodeIdentity', () => {
  it('creates <dir>/identity.json 0600 in a new 0700 directory, then loads the same identity', async () => {
    const dir = join(tempDir(), 'lanrtc');
    const made = await loadOrCreateNodeIdentity({ dir });
    expect(made.created).toBe(true);
    expect(made.file).toBe(join(dir, 'identity.json'));
    expect(mode(dir)).toBe(0o700);
    expect(mode(made.file)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['identity.json']); // no temporary file left
    const again = await loadOrCreateNodeIdentity({ dir });
    expect(again.created).toBe(false);
    expect(again.identity.id).toBe(made.identity.id);
    expect(again.identity.secretKey).toEqual(made.identity.secretKey);
    expect(certificateFingerprint(again.certificate)).toEqual(certificateFingerprint(made.certificate));
    const doc = JSON.parse(readFileSync(made.file, 'utf8'));
    expect(doc.v).toBe(1);
    expect(doc.identity).toBe(exportIdentity(made.identity));
  });

  it('keeps separate identities under separate names', async () => {
    const dir = tempDir();
    const a = await loadOrCreateNodeIdentity({ dir, name: 'a' });
    const b = await loadOrCreateNodeIdentity({ dir, name: 'b' });
    expect(a.identity.id).not.toBe(b.identity.id);
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'b.json']);
  });

  it('agrees on one identity when several callers create it at once', async () => {
    const dir = tempDir();
    const all = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateNodeIdentity({ dir })));
    expect(all.filter((x) => x.created)).toHaveLength(1);
    expect(new Set(all.map((x) => x.identity.id)).size).toBe(1);
    expect(new Set(all.map((x) => x.certificate.certPem)).size).toBe(1);
    expect(readdirSync(dir)).toEqual(['identity.json']);
  });

  it('rejects names that could leave the directory', async () => {
    for (const name of ['', '../x', 'a/b', '.hidden', 'x'.repeat(65), 'a b'])
      await expect(loadOrCreateNodeIdentity({ dir: tempDir(), name })).rejects.toThrow(InvalidArgumentError);
  });

  it('refuses a file that group or others can read, unless allowed', async () => {
    const dir = tempDir();
    const { file, identity } = await loadOrCreateNodeIdentity({ dir });
    for (const bits of [0o640, 0o604, 0o644, 0o620]) {
      chmodSync(file, bits);
      await expect(loadOrCreateNodeIdentity({ dir })).rejects.toThrow(InsecureFileModeError);
      await expect(loadOrCreateNodeIdentity({ dir })).rejects.toThrow(file);
      const allowed = await loadOrCreateNodeIdentity({ dir, allowInsecureMode: true });
      expect(allowed.identity.id).toBe(identity.id);
    }
  });

  describe('damaged files are errors that name the file, and are never replaced', () => {
    const valid = async (): Promise<Record<string, unknown>> => {
      const { file } = await loadOrCreateNodeIdentity({ dir: tempDir() });
      return JSON.parse(readFileSync(file, 'utf8'));
    };
    const cases: [
      string,
      (v: Record<string, unknown>, text: string) => string,
      new (...a: never[]) => Error,
    ][] = [
      ['an empty file', () => '', CorruptStoreError],
      ['a truncated file', (_, text) => text.slice(0, text.length / 2), CorruptStoreError],
      ['not an object', () => '"x"', CorruptStoreError],
      ['version 2', (v) => JSON.stringify({ ...v, v: 2 }), UnsupportedVersionError],
      ['no version', (v) => JSON.stringify({ ...v, v: undefined }), CorruptStoreError],
      ['a non-string identity', (v) => JSON.stringify({ ...v, identity: 5 }), CorruptStoreError],
      ['a bad identity encoding', (v) => JSON.stringify({ ...v, identity: '!!' }), CorruptStoreError],
      ['a short identity key', (v) => JSON.stringify({ ...v, identity: 'AQE' }), CorruptStoreError],
      [
        'an identity key format 9',
        (v) => JSON.stringify({ ...v, identity: `CQE${'A'.repeat(43)}` }),
        UnsupportedVersionError,
      ],
      ['no certificate', (v) => JSON.stringify({ ...v, certificate: undefined }), CorruptStoreError],
      [
        'a certificate with a foreign key',
        (v) => {
          const c = v.certificate as Record<string, unknown>;
          return JSON.stringify({ ...v, certificate: { ...c, keyPem: 'nope' } });
        },
        CorruptStoreError,
      ],
    ];
    for (const [what, damage, error] of cases) {
      it(`${what} → ${error.name}`, async () => {
        const v = await valid();
        const dir = tempDir();
        const file = join(dir, 'identity.json');
        const text = damage(v, JSON.stringify(v));
        writeFileSync(file, text, { mode: 0o600 });
        await expect(loadOrCreateNodeIdentity({ dir })).rejects.toThrow(error);
        const err = await loadOrCreateNodeIdentity({ dir }).catch((e: unknown) => e);
        expect((err as Error).message).toContain(file);
        // Never a secret in the message.
        if (typeof v.identity === 'string') expect((err as Error).message).not.toContain(v.identity);
        expect(readFileSync(file, 'utf8')).toBe(text);
      });
    }
  });
});
