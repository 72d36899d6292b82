/**
 * The doorbell's web origin `http://<address>:<port>/`: the built viewer, `GET /doorbell.json` (the
 * info a served page needs), and the lanrtc relay on `/relay` — one origin, so a page the doorbell
 * served can open its WebSocket with no mixed content and no second port.
 */
import { existsSync } from 'node:fs';
import { createRelay, type ListeningRelay } from '@lanrtc/relay';
import type { Logger } from '@lanrtc/signal-core';
import { DOORBELL_INFO_PATH, type DoorbellInfo, RELAY_PATH } from '../shared/info.js';
import { ViewerNotBuiltError } from './errors.js';

/** Options of `startWebServer`. */
export interface WebServerInit {
  readonly address: string;
  readonly port: number;
  /** The built viewer (Vite's output). */
  readonly viewerDir: string;
  /** The info document, read at each request (the card is re-issued over time). */
  readonly info: () => Omit<DoorbellInfo, 'v' | 'relayPath'>;
  readonly logger?: Logger;
}

/** Serve the viewer, the info document and the relay. */
export async function startWebServer(init: WebServerInit): Promise<ListeningRelay> {
  if (!existsSync(init.viewerDir))
    throw new ViewerNotBuiltError(
      `no viewer in ${init.viewerDir}: run "pnpm --filter doorbell build" (start does it)`,
    );
  return createRelay({
    host: init.address,
    port: init.port,
    path: RELAY_PATH,
    staticDir: init.viewerDir,
    ...(init.logger ? { logger: init.logger } : {}),
    onRequest(req, res) {
      if (req.url?.split('?')[0] !== DOORBELL_INFO_PATH) return false;
      const info: DoorbellInfo = { v: 1, ...init.info(), relayPath: RELAY_PATH };
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(info));
      return true;
    },
  });
}
