/**
 * This machine as a direct-connect device (`lanrtc listen`, `lanrtc receive`): a node agent with the
 * persisted identity and trust store, its listener on one UDP port, and the listener's card
 * announced over mDNS (re-announced whenever the listener re-issues it).
 */
import { isIPv4 } from 'node:net';
import { announceListener } from '@lanrtc/mdns-announcer';
import {
  createFileTrustStore,
  createNodeAgent,
  type DirectListener,
  type FileTrustStore,
  type NodeAgent,
} from '@lanrtc/node-agent';
import { InvalidArgumentError, type Logger } from '@lanrtc/signal-core';
import type { DeviceCardInit } from './device-card.js';
import { UsageError } from './errors.js';
import { type CliIo, writeLine } from './io.js';
import { printable } from './printable.js';
import type { DeviceState } from './state.js';

/** A started device: close the agent to close the listener. */
export interface DirectDevice {
  readonly agent: NodeAgent;
  readonly listener: DirectListener;
  readonly trust: FileTrustStore;
}

/** A node agent with this machine's persisted identity and trust store, logged into `relay` when given. */
export async function startStateAgent(
  state: DeviceState,
  logger: Logger,
  relay?: string,
): Promise<{ agent: NodeAgent; trust: FileTrustStore }> {
  const trust = await createFileTrustStore({ dir: state.dir });
  const agent = await createNodeAgent({
    identity: state.identity,
    certificate: state.certificate,
    trust,
    logger,
    ...(relay !== undefined ? { relay } : {}),
  });
  return { agent, trust };
}

/**
 * Start the agent (logged into `relay` too, when given) and its direct listener for `card`; a card
 * field the listener refuses is a `UsageError` of `command` (nothing is left running).
 */
export async function startDirectDevice(
  state: DeviceState,
  card: DeviceCardInit,
  logger: Logger,
  command: string,
  relay?: string,
): Promise<DirectDevice> {
  const { agent, trust } = await startStateAgent(state, logger, relay);
  try {
    const listener = await agent.listenDirect({
      name: card.name,
      deviceTypes: card.deviceTypes,
      addresses: card.addresses,
      port: card.port,
      ice: state.ice,
    });
    return { agent, listener, trust };
  } catch (error) {
    await agent.close();
    if (error instanceof InvalidArgumentError) throw new UsageError(error.message, command);
    throw error;
  }
}

/**
 * Announce the listener's card over mDNS on its IPv4 addresses (mdns-announcer `announceListener`:
 * a re-issued card is announced within a minute). `close()` sends the goodbye.
 */
export async function announceDevice(
  listener: DirectListener,
  addresses: readonly string[],
  logger: Logger,
  io: CliIo,
  command: string,
): Promise<{ readonly name: string; close(): Promise<void> }> {
  return announceListener(listener, {
    interfaces: addresses.filter((a) => isIPv4(a)),
    logger,
    // A failed re-announcement (an interface went away) must not end the device.
    onUpdateError: (error) =>
      writeLine(io.stderr, `lanrtc ${command}: card update not announced: ${String(error)}`),
  });
}

/** What went wrong with a peer, in words a person can act on where the cause is a common mistake. */
export function peerErrorText(error: Error, dir: string): string {
  // The auth run refuses a hello carrying our own key (signal-core direct/auth.ts).
  if (error.name === 'UnexpectedSenderError' && error.message.includes('our own key'))
    return `SameIdentityError: the peer uses this device's own identity — both sides use the identity in ${dir}: give one of them --config DIR (another directory)`;
  return `${error.name}: ${printable(error.message)}`;
}
