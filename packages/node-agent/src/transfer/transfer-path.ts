/**
 * The file-name rules a Node transfer holds a path to: signal-core's (relative, `/`-separated,
 * every segment a plain name; the manifest decoder enforces them too) plus one of this side's own,
 * a name that could be taken for a partial file. The sink checks again because it is the last step
 * before the disk.
 */
import { UnsafePathError } from '@lanrtc/signal-core';
import { checkTransferPath } from '@lanrtc/signal-core/transfer';

/** What a partial file's temporary name ends with; no transferred path may end with it. */
export const PART_SUFFIX = '.lanrtc-part';

/** The segments of a transfer path, each checked; `UnsafePathError` names the path and the rule it breaks. */
export function transferPathSegments(path: string): string[] {
  try {
    checkTransferPath(path);
  } catch (error) {
    throw new UnsafePathError(`${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
  const segments = path.split('/');
  if (segments.some((s) => s.endsWith(PART_SUFFIX))) {
    throw new UnsafePathError(
      `${JSON.stringify(path)}: a name ending in ${PART_SUFFIX} (kept for partial files)`,
    );
  }
  return segments;
}
