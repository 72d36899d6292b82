/** The relay client for Node: signal-core's platform-free `connectRelay` with `ws` as the WebSocket. */
import {
  connectRelay as connectWith,
  type RelayClientInit,
  type RelayConnection,
  type RelayWebSocketConstructor,
} from '@lanrtc/signal-core';
import { WebSocket } from 'ws';

export type {
  RelayClientState,
  RelayClientStats,
  RelayConnection,
  RelayHeartbeatOptions,
  RelayReconnectOptions,
} from '@lanrtc/signal-core';

/**
 * Options for the Node `connectRelay`: as signal-core's (including `reconnect` and
 * `onStateChange`), with the WebSocket constructor optional.
 */
export type NodeRelayClientInit = Omit<RelayClientInit, 'WebSocket'> & {
  readonly WebSocket?: RelayWebSocketConstructor;
};

/**
 * Connect to a relay and log in with `identity`; resolves to a `SignalTransport` with rooms, which
 * redials a lost relay when `reconnect` is set.
 */
export function connectRelay(init: NodeRelayClientInit): Promise<RelayConnection> {
  // `ws` implements the WHATWG event-handler properties the client uses; its typings name the event
  // classes more narrowly than the structural interface, hence the cast at this one edge.
  const ctor = init.WebSocket ?? (WebSocket as unknown as RelayWebSocketConstructor);
  return connectWith({ ...init, WebSocket: ctor });
}
