/**
 * The relay client for Node: signal-core's platform-free `connectRelay` with `ws` as the WebSocket,
 * and relay hosts resolved the way a LAN announces them (a `.local` name over mDNS).
 */
import type { LookupFunction } from 'node:net';
import type { RelayClientInit, RelayConnection } from '@lanrtc/signal-core';
import { connectRelay as connectWith, type RelayWebSocketConstructor } from '@lanrtc/signal-core/session';
import { type ClientOptions, WebSocket } from 'ws';
import { hostLookup, type ResolveHost } from './host-lookup.js';

export type { RelayClientState, RelayClientStats, RelayConnection } from '@lanrtc/signal-core';
export type { RelayHeartbeatOptions, RelayReconnectOptions } from '@lanrtc/signal-core/session';

/**
 * Options for the Node `connectRelay`: as signal-core's (including `reconnect` and `heartbeat`),
 * with the WebSocket constructor optional.
 */
export type NodeRelayClientInit = Omit<RelayClientInit, 'WebSocket'> & {
  readonly WebSocket?: RelayWebSocketConstructor;
  /**
   * The address to dial for the URL's host name, on every (re)dial; default: mDNS for a `.local`
   * name, the system resolver otherwise. Not used with a custom `WebSocket`.
   */
  readonly resolveHost?: ResolveHost;
};

/** `ws` dialling through `lookup`. */
function webSocketWith(lookup: LookupFunction): RelayWebSocketConstructor {
  const options: ClientOptions & { readonly lookup: LookupFunction } = { lookup };
  // `ws` implements the WHATWG event-handler properties the client uses; its typings name the event
  // classes more narrowly than the structural interface, hence the cast at this one edge.
  return class extends WebSocket {
    constructor(url: string) {
      // `ws` hands its options on to `http.request`, which hands `lookup` to the socket.
      super(url, options);
    }
  } as unknown as RelayWebSocketConstructor;
}

/**
 * Connect to a relay and log in with `identity`; resolves to a `SignalTransport` with rooms, which
 * redials a lost relay when `reconnect` is set. A `.local` relay host (as a card announces it) is
 * resolved over mDNS.
 */
export function connectRelay(init: NodeRelayClientInit): Promise<RelayConnection> {
  const { resolveHost, ...rest } = init;
  const ctor = init.WebSocket ?? webSocketWith(hostLookup(resolveHost));
  return connectWith({ ...rest, WebSocket: ctor });
}
