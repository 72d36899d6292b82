/**
 * The game's web origin `http://<address>:<port>/`: the built page and the lanrtc relay on `/relay`
 * — one origin, so the page opens its WebSocket with no mixed content and no second port. The host
 * screen is not served here (it has a Start button): only on 127.0.0.1 (`screen-server.ts`).
 */
import { existsSync } from 'node:fs';
import { createRelay, type ListeningRelay } from '@lanrtc/relay';
import type { Logger } from '@lanrtc/signal-core';
import { RELAY_PATH } from '../shared/paths.js';
import { ClientNotBuiltError } from './errors.js';

/** Options of `startWebServer`. */
export interface WebServerInit {
  readonly address: string;
  readonly port: number;
  /** The built page (Vite's output). */
  readonly clientDir: string;
  readonly logger?: Logger;
}

/** Serve the page and the relay. */
export async function startWebServer(init: WebServerInit): Promise<ListeningRelay> {
  if (!existsSync(init.clientDir))
    throw new ClientNotBuiltError(
      `no page in ${init.clientDir}: run "pnpm --filter lan-game build" (start does it)`,
    );
  return createRelay({
    host: init.address,
    port: init.port,
    path: RELAY_PATH,
    staticDir: init.clientDir,
    ...(init.logger ? { logger: init.logger } : {}),
    onRequest(req, res) {
      if (!req.url?.startsWith('/screen')) return false;
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('the host screen is on the host machine only\n');
      return true;
    },
  });
}
