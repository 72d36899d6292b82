/**
 * `lanrtc receive --web` and `lanrtc send --web`: the web origin `http://<address>:<port>/` that serves the file-drop page
 * and the lanrtc relay on `/relay` (one origin: the page opens its WebSocket with no mixed content
 * and no second port), and the page link with its QR code.
 */
import { isIPv4 } from 'node:net';
import { createRelay, type ListeningRelay } from '@lanrtc/relay';
import type { Logger } from '@lanrtc/signal-core';
import { FILES_RELAY_PATH } from '@lanrtc/signal-core/transfer';
import { UsageError } from '../errors.js';
import { type CliIo, writeLine } from '../io.js';
import { renderTerminalQr } from '../qr.js';

/** TCP port of the page and relay when `--web-port` is not given. */
export const DEFAULT_RECEIVE_WEB_PORT = 8090;

/** The running web origin. */
export interface FilesWeb {
  readonly relay: ListeningRelay;
  /** `http://<address>:<port>`. */
  readonly origin: string;
  /** The relay's URL on that origin, for the agent to log into. */
  readonly relayUrl: string;
}

/**
 * Serve `pageDir` and the relay on the first IPv4 address of `addresses` (the page needs one a
 * browser can open); no such address is a `UsageError` of `command`.
 */
export async function startFilesWeb(init: {
  readonly addresses: readonly string[];
  readonly port: number;
  readonly pageDir: string;
  readonly logger: Logger;
  readonly command: string;
}): Promise<FilesWeb> {
  const address = init.addresses.find((a) => isIPv4(a));
  if (address === undefined)
    throw new UsageError('--web needs an IPv4 --address (the page link names it)', init.command);
  const relay = await createRelay({
    host: address,
    port: init.port,
    path: FILES_RELAY_PATH,
    staticDir: init.pageDir,
    logger: init.logger,
  });
  const origin = `http://${address}:${relay.address.port}`;
  return { relay, origin, relayUrl: `ws://${address}:${relay.address.port}${FILES_RELAY_PATH}` };
}

/** Print the page link (and its QR code when `qr`) for people to open on the LAN to do `what`. */
export async function printPageLink(io: CliIo, url: string, qr: boolean, what: string): Promise<void> {
  writeLine(io.stdout, `page: ${url}`);
  if (qr) writeLine(io.stdout, await renderTerminalQr(url, io.stdout.isTTY === true));
  writeLine(io.stdout, `open the page on a phone or laptop on this LAN to ${what}`);
}
