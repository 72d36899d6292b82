/** The CLI's version: the `version` of @lanrtc/cli's package.json (read from src/ and from dist/ alike). */
import { createRequire } from 'node:module';

/** The package version, e.g. `0.1.0`. */
export function cliVersion(): string {
  const manifest = createRequire(import.meta.url)('../package.json') as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}
