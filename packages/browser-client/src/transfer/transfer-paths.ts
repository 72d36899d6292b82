/**
 * The relative paths a page offers: what the user dropped or picked, made unique (two files called
 * `a.txt` from two folders dropped together would otherwise be one path twice, which the manifest
 * refuses), and the file name a received path is saved under.
 */

/** `paths` in order, each one that was already used renamed `name (1).ext`, `name (2).ext`, …. */
export function uniqueTransferPaths(paths: readonly string[]): string[] {
  const used = new Set<string>();
  return paths.map((path) => {
    let candidate = path;
    for (let n = 1; used.has(candidate); n++) candidate = numbered(path, n);
    used.add(candidate);
    return candidate;
  });
}

/** The name a download gets: the path's last segment (a download cannot make folders). */
export function downloadName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

function numbered(path: string, n: number): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  // A leading dot (`.bashrc`) or none at all: the number goes at the end.
  const at = dot > slash + 1 ? dot : path.length;
  return `${path.slice(0, at)} (${n})${path.slice(at)}`;
}
