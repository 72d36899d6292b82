/** @lanrtc/relay — LAN WebSocket relay (server, static files) and its Node client. Explicit named exports only. */
export {
  connectRelay,
  type NodeRelayClientInit,
  type RelayClientState,
  type RelayClientStats,
  type RelayConnection,
  type RelayReconnectOptions,
} from './client.js';
export { DEFAULT_RELAY_LIMITS, type RelayLimits } from './limits.js';
export {
  attachRelay,
  type CreateRelayInit,
  createRelay,
  type InterceptedFrame,
  type ListeningRelay,
  type Relay,
  type RelayAddress,
  type RelayIntercept,
  type RelayOptions,
  type RelayStats,
} from './server.js';
export { contentType, createStaticHandler, resolveStaticPath } from './static.js';
