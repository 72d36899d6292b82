/** Test helpers: relays on 127.0.0.1 (inside the private namespace), raw sockets and logged-in clients. */
import { createIdentity, type Identity, type RelayConnection } from '@lanrtc/signal-core';
import {
  decodeRelayFrame,
  encodeRelayFrame,
  type RelayFrame,
  signRelayChallenge,
} from '@lanrtc/signal-core/protocol';
import { WebSocket } from 'ws';
import { connectRelay } from '../src/index.js';

/** True inside the private network namespace of scripts/netns-run.mjs; socket tests skip elsewhere. */
export const IN_NETNS = process.env.LANRTC_IN_NETNS === '1';

/** A raw socket that records decoded frames, for speaking the protocol by hand (and badly). */
export class RawClient {
  readonly frames: RelayFrame[] = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;
  readonly opened: Promise<void>;
  constructor(
    readonly ws: WebSocket,
    readonly endpoint: string,
  ) {
    ws.binaryType = 'arraybuffer';
    ws.on('message', (data: ArrayBuffer) => this.frames.push(decodeRelayFrame(new Uint8Array(data))));
    this.opened = new Promise((r) => ws.once('open', () => r()));
    this.closed = new Promise((r) =>
      ws.once('close', (code) => {
        this.closeCode = code;
        r(code);
      }),
    );
    ws.on('error', () => {});
  }
  /** Wait until a frame matching `match` has arrived. */
  async next<T extends RelayFrame['type']>(
    type: T,
    timeoutMs = 5_000,
  ): Promise<Extract<RelayFrame, { type: T }>> {
    const start = Date.now();
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type);
      if (i >= 0) return this.frames.splice(i, 1)[0] as Extract<RelayFrame, { type: T }>;
      if (Date.now() - start > timeoutMs) throw new Error(`no ${type} frame`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  send(frame: RelayFrame | Uint8Array | string): void {
    this.ws.send(typeof frame === 'string' || frame instanceof Uint8Array ? frame : encodeRelayFrame(frame));
  }
  /** Log in as `identity` (a fresh one by default). */
  async login(identity: Identity = createIdentity()): Promise<Identity> {
    const hello = await this.next('hello');
    this.send({
      type: 'auth',
      publicKey: identity.publicKey,
      signature: signRelayChallenge(identity, hello.challenge, this.endpoint),
    });
    await this.next('welcome');
    return identity;
  }
}

/** Open a raw socket to `url`. */
export async function raw(
  url: string,
  opts: ConstructorParameters<typeof WebSocket>[2] = {},
): Promise<RawClient> {
  const c = new RawClient(new WebSocket(url, opts), new URL(url).host);
  await c.opened;
  return c;
}

/** Log a fresh identity in through the real client. */
export async function client(
  url: string,
  init: Partial<Parameters<typeof connectRelay>[0]> = {},
): Promise<RelayConnection> {
  return connectRelay({ url, identity: createIdentity(), ...init });
}
