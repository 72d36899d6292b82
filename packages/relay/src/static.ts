/**
 * Static files on the relay's origin, so `http://<device>:<port>/` serves an app's built pages and the
 * relay together. Paths are resolved strictly inside the root: percent-decoding, `..` segments, NUL
 * bytes and symlinks that point outside are all refused (404, never a peek outside the root).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

/** Content type for a file name (`application/octet-stream` when unknown). */
export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Map a request path to a file strictly inside `root` (already a real path), or undefined. */
export async function resolveStaticPath(root: string, urlPath: string): Promise<string | undefined> {
  const path = urlPath.split('?')[0]?.split('#')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  if (decoded.split('/').some((seg) => seg === '..')) return undefined;
  let file = resolve(root, `.${decoded}`);
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    // Symlinks are followed only when their target is still inside the root.
    const real = await realpath(file);
    if (real !== root && !real.startsWith(root + sep)) return undefined;
    if (!(await stat(real)).isFile()) return undefined;
    return real;
  } catch {
    return undefined;
  }
}

/** An HTTP request handler serving `dir` (GET/HEAD only; everything else 404/405). */
export async function createStaticHandler(
  dir: string,
): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  const root = await realpath(dir);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    void resolveStaticPath(root, req.url ?? '/').then((file) => {
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      res.writeHead(200, { 'content-type': contentType(file), 'x-content-type-options': 'nosniff' });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      // pipeline, not pipe: a client that aborts mid-download destroys `res`, and only pipeline then
      // destroys the file stream too (pipe would leave it paused with its descriptor open).
      pipeline(createReadStream(file), res, () => {});
    });
  };
}
