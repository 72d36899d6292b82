/**
 * `createNodePeer`: a werift RTCPeerConnection set up for an offline LAN — no STUN/TURN server is
 * ever contacted, the identity's DTLS certificate is pinned, host candidates come only from the
 * addresses asked for, and remote `.local` candidates are resolved only by a resolver the caller
 * supplies (werift's own resolver multicasts an mDNS query on every interface).
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { InvalidArgumentError } from '@lanrtc/signal-core';
import { DIRECT_MAX_MESSAGE_SIZE } from '@lanrtc/signal-core/protocol';
import {
  Connection,
  DtlsServer,
  type IceConnection,
  type RTCDtlsTransport,
  RTCPeerConnection,
  useOPUS,
  usePCMU,
} from 'werift';
import { AmbiguousRemoteCertificateError, InterfaceNotFoundError, WeriftInternalsError } from '../errors.js';
import { VIDEO_CODEC_NAMES, type VideoCodecName, weriftVideoCodec } from '../media/video-codec.js';
import { type DtlsCertificate, fingerprintOfDer } from './certificate.js';

/** Options of `createNodePeer`; everything but `certificate` has a LAN-safe default. */
export interface NodePeerInit {
  /** The identity's DTLS certificate, pinned for this connection (see `createDtlsCertificate`). */
  readonly certificate: DtlsCertificate;
  /**
   * Gather host candidates on exactly these local addresses (at most one IPv4 and one IPv6; loopback
   * allowed) and bind the ICE sockets to them. Default: every non-internal address werift accepts
   * (it skips interfaces named `veth*`, `tun*`, `tap*`, `vmnet*`, `ipsec*`), sockets bound to the wildcard.
   */
  readonly interfaceAddresses?: readonly string[];
  /** Inclusive UDP port range for ICE sockets; min must be below max (werift's rule). Default: any port. */
  readonly portRange?: readonly [number, number];
  /** Gather IPv4 host candidates when `interfaceAddresses` is not given. Default true. */
  readonly useIpv4?: boolean;
  /** Gather IPv6 host candidates when `interfaceAddresses` is not given. Default false (link-local is skipped anyway). */
  readonly useIpv6?: boolean;
  /** Act as an ICE-lite agent (RFC 8445 §2.5): always controlled, answers checks, sends none. Default false. */
  readonly iceLite?: boolean;
  /**
   * Resolve a remote `<uuid>.local` candidate (RFC 8839 §5.1 / draft-ietf-mmusic-mdns-ice-candidates)
   * to an IP address. Default: such candidates are dropped; the peer is still reached through the
   * peer-reflexive candidate its first connectivity check creates (RFC 8445 §7.3.1.3).
   */
  readonly resolveLocalHostname?: (hostname: string) => Promise<string>;
  /**
   * Video codecs this connection offers and accepts, most preferred first. Default `['vp8']`
   * (werift's); a media source with `videoCodec: 'h264'` needs `'h264'` here.
   */
  readonly videoCodecs?: readonly VideoCodecName[];
}

/** Create a werift RTCPeerConnection configured for an offline LAN (no STUN/TURN, pinned certificate). */
export function createNodePeer(init: NodePeerInit): RTCPeerConnection {
  const hosts = init.interfaceAddresses ? selectHostAddresses(init.interfaceAddresses) : undefined;
  const portRange = init.portRange ? checkPortRange(init.portRange) : undefined;
  const video = init.videoCodecs ? checkVideoCodecs(init.videoCodecs) : undefined;
  const pc = new RTCPeerConnection({
    // werift's default audio list, with the video list asked for.
    ...(video && { codecs: { audio: [useOPUS(), usePCMU()], video: video.map(weriftVideoCodec) } }),
    // W3C webrtc-pc §4.4.1.1: with no servers configured the agent gathers host candidates only.
    iceServers: [],
    bundlePolicy: 'max-bundle',
    dtls: { keys: { ...init.certificate, signatureHash: { ...init.certificate.signatureHash } } },
    iceLite: init.iceLite ?? false,
    icePortRange: portRange,
    // werift falls back to *all* addresses when none of `iceInterfaceAddresses` is found and skips
    // internal ones, so the chosen addresses are passed as the only "additional" hosts instead.
    iceUseIpv4: hosts ? false : (init.useIpv4 ?? true),
    iceUseIpv6: hosts ? false : (init.useIpv6 ?? false),
    iceAdditionalHostAddresses: hosts?.list,
    iceInterfaceAddresses: hosts?.bind,
    // RFC 8841 §6: the largest message this side accepts, the same the card offer announces, so a
    // peer sees one limit on every path (werift's default is 65536; it enforces only the remote's).
    maxMessageSize: DIRECT_MAX_MESSAGE_SIZE,
  });
  lockDownIceConnections(pc, init.resolveLocalHostname);
  return pc;
}

/**
 * Raw SHA-256 (32 bytes) of the certificate the remote actually presented in the DTLS handshake,
 * or undefined before DTLS has completed. Not the SDP's fingerprint: the handshake's certificate.
 */
export function remoteCertificateFingerprint(pc: RTCPeerConnection): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  for (const transport of pc.dtlsTransports) {
    const der = transport.dtls?.remoteCertificate;
    if (!der || der.length === 0) continue;
    const fingerprint = fingerprintOfDer(der);
    if (found && !Buffer.from(found).equals(fingerprint)) {
      throw new AmbiguousRemoteCertificateError(
        'remote presented different certificates on different transports',
      );
    }
    found = fingerprint;
  }
  return found;
}

/** True when the werift in use carries lanrtc's security patch (patches/werift@0.24.4.patch). */
export function weriftSecurityPatched(): boolean {
  const iceProto = Connection.prototype as unknown as Record<string, unknown>;
  return (
    typeof iceProto.authenticateRequest === 'function' &&
    DtlsServer.toString().includes('verifyCertificateVerify')
  );
}

interface SecureManagerLike {
  createTransport(): RTCDtlsTransport;
}

/**
 * Every ICE agent werift creates for this connection gets two properties pinned: no STUN/TURN
 * server (werift 0.24.4 silently adds stun.l.google.com when none is configured; lanrtc's patch
 * removes that, this also covers an unpatched install) and the `.local` resolver. They are pinned
 * with accessors because werift's ICE restart resets `lookup` to its multicast default.
 */
function lockDownIceConnections(
  pc: RTCPeerConnection,
  resolve: ((hostname: string) => Promise<string>) | undefined,
): void {
  const manager = (pc as unknown as { secureManager?: Partial<SecureManagerLike> }).secureManager;
  const original = manager?.createTransport;
  if (!manager || typeof original !== 'function') {
    throw new WeriftInternalsError('werift RTCPeerConnection has no secureManager.createTransport');
  }
  manager.createTransport = () => {
    const transport = original.call(manager);
    pinIceConnection(transport.iceTransport.connection, resolve);
    return transport;
  };
  // None exist right after construction in 0.24.4; pin any a future werift creates eagerly.
  for (const transport of pc.iceTransports) pinIceConnection(transport.connection, resolve);
}

function pinIceConnection(
  connection: IceConnection,
  resolve: ((hostname: string) => Promise<string>) | undefined,
): void {
  const ignore = (): void => {};
  Object.defineProperty(connection, 'stunServer', { get: () => undefined, set: ignore, configurable: true });
  Object.defineProperty(connection, 'turnServer', { get: () => undefined, set: ignore, configurable: true });
  const lookup = {
    async lookup(hostname: string): Promise<string> {
      if (!resolve) throw new Error('no .local resolver configured');
      const address = await resolve(hostname);
      if (isIP(address) === 0) throw new Error('resolver returned no IP address');
      return address;
    },
    close: ignore,
  };
  Object.defineProperty(connection, 'lookup', { get: () => lookup, set: ignore, configurable: true });
}

function selectHostAddresses(addresses: readonly string[]): {
  list: string[];
  bind: { udp4?: string; udp6?: string };
} {
  if (addresses.length === 0) throw new InvalidArgumentError('interfaceAddresses is empty');
  const local = new Set(
    Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((info) => info.address)),
  );
  const bind: { udp4?: string; udp6?: string } = {};
  for (const address of addresses) {
    const family = isIP(address);
    if (family === 0)
      throw new InvalidArgumentError('interfaceAddresses holds a value that is not an IP address');
    if (!local.has(address)) throw new InterfaceNotFoundError(`no local interface has address ${address}`);
    const key = family === 4 ? 'udp4' : 'udp6';
    // werift binds every socket of one family to the same interface address.
    if (bind[key] !== undefined)
      throw new InvalidArgumentError('at most one IPv4 and one IPv6 interface address');
    bind[key] = address;
  }
  return { list: [...addresses], bind };
}

function checkPortRange([min, max]: readonly [number, number]): [number, number] {
  const valid = (p: number) => Number.isInteger(p) && p >= 1 && p <= 65535;
  if (!valid(min) || !valid(max) || min >= max) {
    throw new InvalidArgumentError('portRange must be two ports 1..65535 with min < max');
  }
  return [min, max];
}

function checkVideoCodecs(codecs: readonly VideoCodecName[]): VideoCodecName[] {
  const known = codecs.every((c) => VIDEO_CODEC_NAMES.includes(c));
  if (codecs.length === 0 || !known || new Set(codecs).size !== codecs.length) {
    throw new InvalidArgumentError(
      `videoCodecs must list some of ${VIDEO_CODEC_NAMES.join(', ')}, each once`,
    );
  }
  return [...codecs];
}
