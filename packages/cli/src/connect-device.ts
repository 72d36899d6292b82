/**
 * The one place the CLI connects to a device from its verified card (`lanrtc connect`, `lanrtc
 * paste`): a node agent's `connectDirect` (or its relay path), and the failures a person meets first turned into
 * errors that say what to do (same identity on both ends, a pairing card used twice, not paired yet,
 * a device that does not answer).
 */
import { createNodeAgent, type NodeConnection, type WeriftSessionPeer } from '@lanrtc/node-agent';
import {
  type Card,
  type CompareHandler,
  PairingFailedError,
  type PairingMode,
  PeerRejectedError,
  SessionTimeoutError,
  type TrustStore,
} from '@lanrtc/signal-core';
import { defaultDeviceName, relayUrl } from './device-card.js';
import {
  ComparisonFailedError,
  DeviceNotAnsweringError,
  NotPairedYetError,
  PairingCardUsedError,
  SameIdentityError,
} from './errors.js';
import { sendOwnCard } from './peer-card.js';
import { printable } from './printable.js';
import { connectThroughRelay } from './relay-path.js';
import type { DeviceState } from './state.js';

/** How long the connection (ICE, DTLS, SCTP) may take before the device counts as not answering. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** What `connectToDevice` needs besides the card. */
export interface DeviceConnectInit {
  readonly state: DeviceState;
  readonly trust: TrustStore;
  /** First contact: the pairing card's secret, or the PIN the device shows. */
  readonly pairing?: PairingMode;
  /** Comparison pairing (`pairing` `{ kind: 'compare' }`): show the digits, resolve with the user's verdict. */
  readonly onCompare?: CompareHandler;
  /** Local IP address for ICE (default: every non-internal IPv4 address). */
  readonly address?: string;
  readonly connectTimeoutMs?: number;
  readonly signal?: AbortSignal;
  /** This machine's name as the device stores it after a pairing (default: the host name). */
  readonly ownName?: string;
}

/** A connected, authenticated device: directly from its card, or through the relay it names. */
export interface DeviceConnection {
  readonly remote: { readonly id: string };
  readonly paired: boolean;
  readonly peer: WeriftSessionPeer;
  /** `direct`, or `relay <url>`. */
  readonly via: string;
  /** Whether channel `lanrtc` was opened with the connection (the relay path's agent opens it). */
  readonly echoChannelOpen: boolean;
  /** The authenticated node-agent connection (direct path only): what `sendFiles` takes. */
  readonly node?: NodeConnection;
  close(): Promise<void>;
}

/**
 * Connect to the device behind `card` and authenticate both ends (pairing first if asked): directly
 * to the card's candidates, or, for a card with none, through the relay it names.
 */
export async function connectToDevice(card: Card, init: DeviceConnectInit): Promise<DeviceConnection> {
  if (card.id === init.state.identity.id)
    throw new SameIdentityError(
      `both sides use the identity in ${init.state.dir} — give one of them --config DIR (another directory)`,
    );
  const ms = init.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  let connection: DeviceConnection;
  if (card.candidates.length === 0 && card.relay) {
    try {
      const r = await connectThroughRelay(card, {
        state: init.state,
        trust: init.trust,
        ...(init.pairing ? { pairing: init.pairing } : {}),
        ...(init.address !== undefined ? { address: init.address } : {}),
        timeoutMs: ms,
      });
      connection = { ...r, via: `relay ${r.url}`, echoChannelOpen: true, close: () => r.close() };
    } catch (error) {
      throw explain(error, card, init, ms);
    }
    if (connection.paired)
      await init.trust.update(card.id, (peer) =>
        peer && peer.name === '' ? { ...peer, name: card.name, deviceTypes: card.deviceTypes } : undefined,
      );
    return connection;
  }
  const agent = await createNodeAgent({
    identity: init.state.identity,
    certificate: init.state.certificate,
    trust: init.trust,
    ...(init.address !== undefined ? { peer: { interfaceAddresses: [init.address] } } : {}),
  });
  try {
    const direct = await agent.connectDirect(card, {
      ...(init.pairing ? { pairing: init.pairing } : {}),
      ...(init.onCompare ? { onCompare: init.onCompare } : {}),
      timeoutMs: ms,
      ...(init.signal ? { signal: init.signal } : {}),
    });
    connection = {
      ...direct,
      via: 'direct',
      echoChannelOpen: false,
      node: direct,
      close: () => agent.close(),
    };
  } catch (error) {
    await agent.close();
    throw explain(error, card, init, ms);
  }
  if (connection.paired) {
    // The device's types next to the name connectDirect stored; our card so the device names us too.
    await init.trust.update(card.id, (peer) =>
      peer && peer.deviceTypes.length === 0 ? { ...peer, deviceTypes: card.deviceTypes } : undefined,
    );
    await sendOwnCard(connection.peer, init.state, init.ownName ?? defaultDeviceName()).catch(
      () => undefined,
    );
  }
  return connection;
}

/** The error a person can act on, with the original as `cause`; anything else unchanged. */
function explain(error: unknown, card: Card, init: DeviceConnectInit, ms: number): unknown {
  const name = `"${printable(card.name)}"`;
  if (error instanceof PeerRejectedError) {
    if (error.reason.includes('PairingNotOpenError') && init.pairing?.kind === 'secret')
      return new PairingCardUsedError(
        `${name} refused this pairing card: it was used already or withdrawn (a pairing card pairs one ` +
          'peer, once) — ask the device for a new one (`lanrtc listen`: press Enter or send SIGUSR1)',
        { cause: error },
      );
    if (error.reason.includes('PairingNotOpenError') && init.pairing?.kind === 'compare')
      return new NotPairedYetError(
        `${name} is not accepting a pairing by comparing digits now: run \`lanrtc receive --compare\` there (or pair with the PIN \`lanrtc receive --pin\` shows)`,
        { cause: error },
      );
    if (error.reason.includes('PairingNotOpenError'))
      return new NotPairedYetError(
        `${name} is not accepting a PIN pairing now: run \`lanrtc listen --pin\` there (\`lanrtc receive --pin\` for files) and give the PIN it shows`,
        { cause: error },
      );
    if (error.reason.includes('NotPairedError'))
      return new NotPairedYetError(
        `${name} (${card.id}) does not trust this identity (${init.state.identity.id}): pair first — ` +
          '`lanrtc connect NAME --pin PIN` with the PIN `lanrtc listen --pin` shows, or paste its pairing card',
        { cause: error },
      );
  }
  if (init.pairing?.kind === 'compare' && error instanceof PairingFailedError) {
    // The initiator stores the peer only after the device's accept, which follows both confirms.
    const why = error.message.includes('numeric comparison rejected')
      ? 'the digits were not confirmed here'
      : `${name} did not confirm the digits (answered no, or did not answer in time)`;
    return new ComparisonFailedError(`${why}: nothing is stored on either side`, { cause: error });
  }
  if (card.candidates.length === 0 && card.relay && error instanceof SessionTimeoutError)
    return new DeviceNotAnsweringError(
      `${name} did not answer through its relay ${relayUrl(card.relay)} within ${ms / 1000} s: is it logged in there?`,
      { cause: error },
    );
  if (error instanceof SessionTimeoutError && error.message.startsWith('direct connection not open')) {
    const where =
      card.candidates.map((c) => `${c.address}:${c.port}`).join(', ') || '(no address in the card)';
    return new DeviceNotAnsweringError(
      `${name} did not answer at udp ${where} within ${ms / 1000} s: is \`lanrtc listen\` running there, ` +
        'on this LAN? (`--address` picks the local interface)',
      { cause: error },
    );
  }
  return error;
}
