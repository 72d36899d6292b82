/**
 * A werift DTLS server and client without sockets, for the DTLS patch tests: each direction is an
 * in-memory datagram link (delivered on the next `setImmediate`, as a socket would) that can watch
 * or duplicate what it carries.
 */
import type { DtlsCertificate } from '../../src/index.js';

/** One direction of the link; `peer` is the other end's transport. */
export interface MemoryLink {
  type: string;
  closed: boolean;
  address: object;
  onData: (data: Buffer) => void;
  peer: undefined | { onData: (data: Buffer) => void };
  send(data: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** A link; `onSend` sees every datagram sent, `duplicateFirst` delivers the first one twice. */
export function memoryLink(
  opts: { onSend?: (data: Buffer) => void; duplicateFirst?: boolean } = {},
): MemoryLink {
  let count = 0;
  const link: MemoryLink = {
    type: 'udp',
    closed: false,
    address: {},
    onData: () => {},
    peer: undefined,
    send(data) {
      opts.onSend?.(data);
      const to = link.peer;
      const copies = opts.duplicateFirst && count++ === 0 ? 2 : 1;
      for (let i = 0; i < copies; i++) setImmediate(() => to?.onData(Buffer.from(data)));
      return Promise.resolve();
    },
    close() {
      link.closed = true;
      return Promise.resolve();
    },
  };
  return link;
}

/** Connect two links into one datagram path: what `a` sends reaches `b`, and back. */
export function joinLinks(a: MemoryLink, b: MemoryLink): void {
  a.peer = b;
  b.peer = a;
}

/** The options a werift `DtlsServer` / `DtlsClient` takes, for `certificate` over `transport`. */
export const dtlsOptions = (certificate: DtlsCertificate, transport: MemoryLink) => ({
  cert: certificate.certPem,
  key: certificate.keyPem,
  signatureHash: { ...certificate.signatureHash },
  transport: transport as never,
  extendedMasterSecret: true,
});
