/**
 * Where `lanrtc receive --web` finds the page it serves: the file-drop example's Vite build
 * (`examples/file-drop/dist/page`, which `pnpm build` in the repository root makes), found through
 * the workspace dependency on `file-drop`, or a directory given with `--web-page`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { WebPageNotBuiltError } from './errors.js';
import { printable } from './printable.js';

/** The command that builds the page, for the error that says it is missing. */
export const WEB_PAGE_BUILD_COMMAND = 'pnpm build (in the repository root) or pnpm --filter file-drop build';

/** The built file-drop page's directory (`given` when set); `WebPageNotBuiltError` when it has no `index.html`. */
export function filesPageDir(given?: string): string {
  const dir =
    given !== undefined
      ? resolve(given)
      : join(dirname(createRequire(import.meta.url).resolve('file-drop/package.json')), 'dist', 'page');
  if (!existsSync(join(dir, 'index.html')))
    throw new WebPageNotBuiltError(
      given !== undefined
        ? `no index.html in --web-page ${printable(given)}: give the directory a Vite build wrote`
        : `the file-drop page is not built (no ${printable(dir)}/index.html): run ${WEB_PAGE_BUILD_COMMAND}`,
    );
  return dir;
}
