/**
 * The client end of HTTP over a Node connection: opens a `lanrtc-http` DataChannel (reliable,
 * ordered), adapts it as a lane and runs signal-core's client engine on it.
 */
import {
  HTTP_CHANNEL_LABEL,
  type HttpClient,
  type HttpClientInit,
  openHttpClientOnLane,
} from '@lanrtc/signal-core/http';
import type { RTCDataChannel } from 'werift';
import type { NodeConnection } from '../direct/connection.js';
import { weriftDataChannelLane } from '../transfer/datachannel-lane.js';

// Channels this side opened as a client, which an `exposeHttp` on the same connection must not serve.
const local = new WeakSet<RTCDataChannel>();

/** True if `channel` was opened here by `openHttpClient`. */
export function isLocalHttpChannel(channel: RTCDataChannel): boolean {
  return local.has(channel);
}

/** Open an HTTP client to the device at the other end of `connection`; resolves after its HELLO. */
export async function openHttpClient(
  connection: NodeConnection,
  init: HttpClientInit = {},
): Promise<HttpClient> {
  const channel = connection.peer.createDataChannel(HTTP_CHANNEL_LABEL);
  local.add(channel);
  const lane = weriftDataChannelLane(channel);
  try {
    return await openHttpClientOnLane(lane, init);
  } catch (error) {
    lane.close();
    throw error;
  }
}
