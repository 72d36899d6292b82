/**
 * The client end of HTTP over a page's connection: opens the `lanrtc-http` DataChannel (reliable,
 * ordered), adapts it with `dataChannelLane` and runs signal-core's client engine on it
 * (docs/PROTOCOL.md, "HTTP over the connection"). The client is what `serveLanRoutes` resolves a
 * device to, and a `fetch` of its own.
 */
import {
  HTTP_CHANNEL_LABEL,
  type HttpClient,
  type HttpClientInit,
  openHttpClientOnLane,
} from '@lanrtc/signal-core/http';
import type { BrowserConnection } from '../direct/session.js';
import { dataChannelLane, peerLimit } from '../transfer/datachannel-lane.js';

/** Open an HTTP client to the device at the other end of `connection`; resolves after its HELLO. */
export async function openHttpClient(
  connection: Pick<BrowserConnection, 'peer'>,
  init: HttpClientInit = {},
): Promise<HttpClient> {
  const channel = connection.peer.createDataChannel(HTTP_CHANNEL_LABEL, { ordered: true });
  const lane = dataChannelLane(channel, peerLimit(connection));
  try {
    return await openHttpClientOnLane(lane, init);
  } catch (error) {
    lane.close();
    throw error;
  }
}
