/** @lanrtc/relay — LAN WebSocket relay (server, static files) and its Node client. Explicit named exports only. */
export {
  connectRelay,
  type NodeRelayClientInit,
  type RelayClientState,
  type RelayClientStats,
  type RelayConnection,
  type RelayReconnectOptions,
} from './client.js';
export { createRelay } from './create-relay.js';
export type { ResolveHost } from './host-lookup.js';
export { DEFAULT_RELAY_LIMITS, type RelayLimits } from './limits.js';
export type {
  CreateRelayInit,
  InterceptedFrame,
  ListeningRelay,
  Relay,
  RelayAddress,
  RelayIntercept,
  RelayOptions,
  RelayStats,
} from './server/options.js';
export { attachRelay } from './server.js';
export { contentType, createStaticHandler, resolveStaticPath } from './static.js';
