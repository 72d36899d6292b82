/**
 * DataChannels by label, for peer-connection adapters (werift, browsers). The agent hands a
 * connection to the application only after verification, so channels the remote opened earlier must
 * not be missed: the adapter tracks every channel from the moment the connection exists, and
 * `channel(label)` resolves once that channel is open, whenever it was asked for. For the same reason
 * a message the remote sends the instant a channel opens may arrive before the application listens:
 * adapters hold such messages (`createEarlyMessageBuffer`, early-messages.ts) and hand them to the first
 * listener.
 */
import { TransportClosedError } from '../errors.js';

/** What the registry needs of a DataChannel. */
export interface LabelledChannel {
  readonly label: string;
  readonly readyState: string;
}

/** Channels of one peer connection, by label. */
export interface ChannelRegistry<C extends LabelledChannel> {
  /** Start tracking a channel (local or remote); the first one per label wins. */
  track(channel: C): void;
  /** The channel with this label once it is open; rejects with `TransportClosedError` after `close`. */
  channel(label: string): Promise<C>;
  /** The connection is gone: reject every waiter, and every later call. */
  close(why: string): void;
}

/** Create a registry; `onceOpen(channel, cb)` must call `cb` once when a not-yet-open channel opens. */
export function createChannelRegistry<C extends LabelledChannel>(
  onceOpen: (channel: C, opened: () => void) => void,
): ChannelRegistry<C> {
  const byLabel = new Map<string, C>();
  const waiting = new Map<string, { resolve(c: C): void; reject(e: Error): void }[]>();
  let closedWhy: string | undefined;

  const deliver = (channel: C) => {
    for (const w of waiting.get(channel.label) ?? []) w.resolve(channel);
    waiting.delete(channel.label);
  };
  return {
    track(channel) {
      if (!byLabel.has(channel.label)) byLabel.set(channel.label, channel);
      if (channel.readyState === 'open') deliver(channel);
      else onceOpen(channel, () => deliver(channel));
    },
    channel(label) {
      const known = byLabel.get(label);
      if (known?.readyState === 'open') return Promise.resolve(known);
      if (closedWhy !== undefined) return Promise.reject(new TransportClosedError(closedWhy));
      return new Promise((resolve, reject) => {
        waiting.set(label, [...(waiting.get(label) ?? []), { resolve, reject }]);
      });
    },
    close(why) {
      closedWhy ??= why;
      for (const list of waiting.values()) for (const w of list) w.reject(new TransportClosedError(why));
      waiting.clear();
    },
  };
}
