/** @lanrtc/signal-core/session — building a platform agent: the signalling agent, `createLanAgent`, channels, the relay client, events, abort handles, logging. */

export {
  createLanAgent,
  type LanAgentCore,
  type LanAgentPlatform,
  MAX_UNCLAIMED_CONNECTIONS,
  type PairingTarget,
} from '../agent/create-lan-agent.js';
export { type ChannelPeer, setupPeerFactory } from '../agent/setup-peer.js';
export { type AbortHandle, createAbortHandle } from '../encoding/abort.js';
export { createHeldListeners, createListeners, type Listeners } from '../events.js';
export { NOOP_LOGGER } from '../logger.js';
export { type RelayReconnectOptions, reconnectDelay } from '../relay/client/backoff.js';
export { connectRelay } from '../relay/client/connect.js';
export { relayEndpoint } from '../relay/client/endpoint.js';
export type { RelayHeartbeatOptions } from '../relay/client/heartbeat.js';
export type { RelayWebSocket, RelayWebSocketConstructor } from '../relay/client/socket.js';
export { Agent, type AgentInit, createAgent, type PairingWindow } from '../session/agent.js';
export { type ChannelRegistry, createChannelRegistry, type LabelledChannel } from '../session/channels.js';
export { createEarlyMessageBuffer, type EarlyMessageBuffer } from '../session/early-messages.js';
export {
  combinePairingWindows,
  createOneTimeSecretWindow,
  selectPairingWindow,
} from '../session/pairing-windows.js';
