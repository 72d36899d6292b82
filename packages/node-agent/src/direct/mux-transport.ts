/**
 * The transport werift's ICE (`StunProtocol`) gets for one connecting peer on the direct-connect
 * listener: it sends through the listener's shared socket and is fed by the mux, in the shape of
 * werift's own `UdpTransport`, so werift never binds a socket of its own.
 */
import type dgram from 'node:dgram';

/** A remote transport address as werift passes it: `[host, port]`. */
export type RemoteAddress = [string, number];

/** What werift's `StunProtocol` uses of its transport (werift's `UdpTransport` shape). */
export interface MuxTransport {
  readonly type: 'udp';
  readonly socketType: 'udp4' | 'udp6';
  closed: boolean;
  onData: (data: Buffer, addr: RemoteAddress) => void;
  send(data: Buffer, addr?: RemoteAddress): Promise<void>;
  close(): Promise<void>;
  readonly address: { address: string; port: number; family: string };
  readonly host: string;
  readonly port: number;
}

/** A werift transport that sends through the shared socket and is fed by the mux. */
export function muxTransport(socket: dgram.Socket): MuxTransport {
  const bound = socket.address();
  const transport: MuxTransport = {
    type: 'udp',
    socketType: bound.family === 'IPv6' ? 'udp6' : 'udp4',
    closed: false,
    onData: () => {},
    send(data, addr) {
      if (transport.closed || !addr) return Promise.resolve();
      return new Promise<void>((resolve) => {
        try {
          socket.send(data, addr[1], addr[0], () => resolve());
        } catch {
          resolve(); // socket closed under us: the route is going away anyway
        }
      });
    },
    close() {
      transport.closed = true;
      return Promise.resolve();
    },
    address: { address: bound.address, port: bound.port, family: bound.family },
    host: bound.address,
    port: bound.port,
  };
  return transport;
}
