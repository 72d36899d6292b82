/** `lanrtc send`'s PATH... checked before anything starts (a search on the LAN, a web page). */
import { access, constants } from 'node:fs/promises';
import { SendPathError } from './errors.js';
import { printable } from './printable.js';

/** Every PATH exists and can be read; else `SendPathError` naming the first that does not. */
export async function checkReadable(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new SendPathError(
        `${printable(path)}: ${code === 'ENOENT' ? 'no such file or directory' : `cannot be read (${code ?? 'error'})`}`,
        { cause: error },
      );
    }
  }
}
