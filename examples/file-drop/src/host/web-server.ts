/**
 * The host's web origin `http://<address>:<port>/`: the built page and the lanrtc relay on `/relay` —
 * one origin, so the page opens its WebSocket with no mixed content and no second port.
 */
import { existsSync } from 'node:fs';
import { createRelay, type ListeningRelay } from '@lanrtc/relay';
import type { Logger } from '@lanrtc/signal-core';
import { FILES_RELAY_PATH } from '@lanrtc/signal-core/transfer';
import { PageNotBuiltError } from './errors.js';

/** Serve `pageDir` and the relay on `address:port`. */
export async function startWebServer(init: {
  readonly address: string;
  readonly port: number;
  readonly pageDir: string;
  readonly logger?: Logger;
}): Promise<ListeningRelay> {
  if (!existsSync(init.pageDir))
    throw new PageNotBuiltError(
      `no page in ${init.pageDir}: run "pnpm --filter file-drop build" (start does it)`,
    );
  return createRelay({
    host: init.address,
    port: init.port,
    path: FILES_RELAY_PATH,
    staticDir: init.pageDir,
    ...(init.logger ? { logger: init.logger } : {}),
  });
}
