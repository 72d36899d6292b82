/** @lanrtc/signal-core/http — HTTP over the paired connection: the frame codec, the client and server engines over a `TransferLane`, and the path, header and grant rules a device applies. */

export { openHttpClientOnLane } from '../http/client.js';
export {
  DEFAULT_HTTP_SERVICE,
  HTTP_CHANNEL_LABEL,
  HTTP_FRAME_HEADER_BYTES,
  HTTP_INITIAL_WINDOW_BYTES,
  HTTP_MAX_CONCURRENT_STREAMS,
  HTTP_MAX_DETAIL_BYTES,
  HTTP_MAX_HEAD_BYTES,
  HTTP_MAX_HEADERS,
  HTTP_MAX_WINDOW_BYTES,
  HTTP_PROTOCOL_VERSION,
} from '../http/constants.js';
export {
  decodeHttpFrame,
  encodeDataHeader as encodeHttpDataHeader,
  encodeHttpFrame,
  HTTP_GOAWAY_CODES,
  HTTP_RESET_CODES,
  type HttpFrame,
  HttpFrameType,
  type HttpGoawayCode,
  type HttpResetCode,
} from '../http/frames.js';
export { httpGrantAllows, httpGrantScope } from '../http/grant.js';
export {
  HOP_BY_HOP_HEADERS,
  type HttpHeaderList,
  isHeaderName,
  isHeaderValue,
  isHopByHop,
  isServiceName,
  stripHopByHop,
} from '../http/headers.js';
export { checkRequestPath } from '../http/path-check.js';
export { serveHttp } from '../http/server.js';
export type {
  HttpClient,
  HttpClientInit,
  HttpFetchInit,
  HttpHandler,
  HttpRequestHead,
  HttpServer,
  HttpServerInit,
  HttpServerRequest,
  HttpServerResponse,
} from '../http/types.js';
export type { HttpAbortSignal, HttpBodyStream, HttpHeadersInit, HttpResponse } from '../http/web-types.js';
