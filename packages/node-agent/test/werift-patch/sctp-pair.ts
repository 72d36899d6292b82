/**
 * Two werift peers in one process, connected over 10.77.0.1 in the test namespace, with a view of each
 * side's SCTP association, for the tests of the patch's throughput fixes (docs/werift-patches.md
 * §13–16). Also the runtime switch those fixes read, so a test can show the stock code path.
 */
import { createRequire } from 'node:module';
import type * as Werift from 'werift';
import { negotiate, opened, settle, waitFor } from '../peer/pair.js';

/** Both copies of werift: the ESM bundle and the CommonJS build. */
export const builds = {
  esm: (await import('werift')) as typeof Werift,
  cjs: createRequire(import.meta.url)('werift') as typeof Werift,
};

/** SCTP chunk types (RFC 9260 §3.2). */
export const DATA = 0;
export const SACK = 3;

/** The parts of werift's SCTP association these tests watch or wrap. */
export interface SctpView {
  rto: number;
  lastReceivedTsn: number;
  sackMisOrdered: Set<number>;
  sackDuplicates: number[];
  sackNeeded: boolean;
  timer3Expired: () => void;
  sendChunk(chunk: { type: number; sentCount?: number; tsn?: number }): Promise<void>;
  receiveDataChunk(chunk: unknown): void;
  receiveSackChunk(chunk: { cumulativeTsn: number }): Promise<void>;
  handleData(data: Buffer): Promise<void>;
  markReceived(tsn: number): boolean;
  sendSack(): Promise<void>;
}

/** Turn the patch's throughput fixes off (`false`) or back on for everything created or run after. */
export function speedFixes(on: boolean): void {
  (globalThis as { __lanrtcWeriftSpeedFixes?: boolean }).__lanrtcWeriftSpeedFixes = on;
}

function peer(w: typeof Werift): Werift.RTCPeerConnection {
  return new w.RTCPeerConnection({
    iceServers: [],
    bundlePolicy: 'max-bundle',
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['10.77.0.1'],
    iceInterfaceAddresses: { udp4: '10.77.0.1' },
  });
}

/** A connected pair: `tx` is the offerer's channel, `rx` the answerer's, with both associations. */
export interface Pair {
  readonly tx: Werift.RTCDataChannel;
  readonly rx: Werift.RTCDataChannel;
  readonly txSctp: SctpView;
  readonly rxSctp: SctpView;
  readonly offerer: Werift.RTCPeerConnection;
  close(): Promise<void>;
}

/** Connect two peers of build `w` and open one reliable ordered channel between them. */
export async function connectPair(w: typeof Werift): Promise<Pair> {
  const offerer = peer(w);
  const answerer = peer(w);
  const remote = new Promise<Werift.RTCDataChannel>((r) => answerer.onDataChannel.subscribe(r));
  const tx = await negotiate(offerer, answerer);
  await opened(tx);
  const rx = await remote;
  await opened(rx);
  const view = (pc: Werift.RTCPeerConnection) => pc.sctpTransport?.sctp as unknown as SctpView;
  return {
    tx,
    rx,
    txSctp: view(offerer),
    rxSctp: view(answerer),
    offerer,
    close: async () => {
      await Promise.all([offerer.close(), answerer.close()]);
      await settle(50);
    },
  };
}

/** Send `total` bytes from `tx` in `size`-byte messages (bufferedAmount ≤ 1 MiB); resolves when `rx` has them all. */
export async function transfer(pair: Pair, total: number, size: number): Promise<void> {
  let got = 0;
  const all = new Promise<void>((resolve) => {
    const sub = pair.rx.onMessage.subscribe((m) => {
      got += typeof m === 'string' ? Buffer.byteLength(m) : m.length;
      if (got >= total) {
        sub.unSubscribe();
        resolve();
      }
    });
  });
  const msg = Buffer.alloc(size, 0x5a);
  pair.tx.bufferedAmountLowThreshold = 256 * 1024;
  for (let sent = 0; sent < total; sent += size) {
    if (pair.tx.bufferedAmount > 1024 * 1024) {
      await waitFor(pair.tx.bufferedAmountLow, () => true, 10_000, 'bufferedAmountLow');
    }
    pair.tx.send(msg);
  }
  await all;
}
