/**
 * A real `node:http` server for forwarder tests that records every request it receives (method, URL,
 * headers, body size) and whether each request's socket closed, with routes for JSON, echo, Range,
 * large streamed bodies and responses that never come.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server saw. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: readonly string[];
  /** Lowercased header name → values. */
  readonly headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
  /** Resolves when the server-side request or response closed before or after completion. */
  readonly closed: Promise<void>;
  /** True if the response was not complete when it closed (the client went away). */
  aborted: boolean;
  /** Start reading the request body (the `/stall-upload` route does not until asked). */
  resume(): void;
}

/** A recording server on 127.0.0.1. */
export interface Upstream {
  readonly origin: string;
  readonly port: number;
  readonly seen: Seen[];
  /** Bytes the `/big` route has handed to `write` and seen accepted (drain awaited). */
  readonly written: () => number;
  /** The 1 MiB the `/file` route serves, Range or whole. */
  readonly file: Uint8Array;
  close(): Promise<void>;
}

const MIB = 1024 * 1024;

/** Start a recording server; routes are described in this file's header. */
export async function startUpstream(): Promise<Upstream> {
  const seen: Seen[] = [];
  const file = new Uint8Array(randomBytes(MIB));
  let written = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let markClosed: () => void = () => {};
    const record: Seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      rawHeaders: req.rawHeaders,
      headers: req.headers,
      bodyBytes: 0,
      aborted: false,
      resume: () => req.resume(),
      closed: new Promise((resolve) => {
        markClosed = resolve;
      }),
    };
    seen.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
      markClosed();
    });
    const url = new URL(req.url ?? '/', 'http://x');
    const route = url.pathname.replace(/^\/api/, '');
    if (route === '/stall-upload') return; // never reads the body, never answers
    if (route === '/hang') {
      req.resume();
      return; // reads the body, never answers
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      record.bodyBytes += chunk.length;
      if (route === '/echo') chunks.push(chunk);
    });
    req.on('end', () => {
      if (route === '/echo') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(Buffer.concat(chunks));
        return;
      }
      if (route === '/hop') {
        res.writeHead(200, {
          connection: 'keep-alive, x-hop',
          'x-hop': 'secret-of-this-hop',
          'keep-alive': 'timeout=5',
          'proxy-authenticate': 'Basic',
          'x-end-to-end': 'kept',
        });
        res.end('hop');
        return;
      }
      if (route === '/file') return serveFile(req, res, file);
      if (route === '/big') {
        const size = Number(url.searchParams.get('size'));
        const stallAfter = Number(url.searchParams.get('stallAfter') ?? Number.POSITIVE_INFINITY);
        void streamBytes(res, size, stallAfter, (n) => {
          written += n;
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, host: req.headers.host }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    seen,
    written: () => written,
    file,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveFile(req: IncomingMessage, res: ServerResponse, file: Uint8Array): void {
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  if (!range) {
    res.writeHead(200, { 'content-length': file.length, 'accept-ranges': 'bytes' });
    res.end(file);
    return;
  }
  const start = Number(range[1]);
  const end = Math.min(Number(range[2]), file.length - 1);
  res.writeHead(206, {
    'content-length': end - start + 1,
    'content-range': `bytes ${start}-${end}/${file.length}`,
  });
  res.end(file.subarray(start, end + 1));
}

/** Write `size` bytes in 64 KiB pieces, awaiting `drain`; stop (never end) after `stallAfter` bytes. */
async function streamBytes(
  res: ServerResponse,
  size: number,
  stallAfter: number,
  onWritten: (n: number) => void,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  const piece = Buffer.alloc(64 * 1024, 7);
  let sent = 0;
  while (sent < size && !res.destroyed) {
    if (sent >= stallAfter) return;
    const n = Math.min(piece.length, size - sent);
    const ok = res.write(n === piece.length ? piece : piece.subarray(0, n));
    sent += n;
    onWritten(n);
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end();
}
