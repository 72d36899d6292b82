/**
 * One werift RTCPeerConnection per connecting peer on the device side of a direct connect
 * (docs/PLATFORM.md "The direct-connect recipe"): ICE-lite with the card's ufrag/pwd, the pinned certificate,
 * its ICE socket replaced by the listener's shared port, the negotiated auth channel, a local offer
 * it never sends, and a synthesized remote answer (placeholder credentials, all-zero fingerprint,
 * `a=setup:active`) that makes it the DTLS server. The SDP fingerprint check is deferred (patched
 * werift, opt-in per transport): the listener reads the certificate the client really presented.
 */
import { isIP } from 'node:net';
import type { CardIce } from '@lanrtc/signal-core';
import { formatSdp, type SessionDescriptionInit } from '@lanrtc/signal-core/codec';
import {
  DIRECT_AUTH_CHANNEL_ID,
  DIRECT_AUTH_LABEL,
  DIRECT_MAX_MESSAGE_SIZE,
  DIRECT_SCTP_PORT,
} from '@lanrtc/signal-core/protocol';
import {
  Connection,
  type RTCDataChannel,
  RTCDtlsTransport,
  type RTCPeerConnection,
  RTCSctpTransport,
} from 'werift';
import { WeriftInternalsError } from '../errors.js';
import type { VideoCodecName } from '../media/video-codec.js';
import type { DtlsCertificate } from '../peer/certificate.js';
import { createNodePeer } from '../peer/create-node-peer.js';
import type { MuxRoute, MuxTransport } from './udp-mux.js';

/** Remote ICE credentials of the synthesized answer: never used to authenticate anything. */
const PLACEHOLDER_UFRAG = 'lanrtcpeer';
const PLACEHOLDER_PWD = 'lanrtcplaceholderpassword0';

/** Options of `createDevicePeer`. */
export interface DevicePeerInit {
  readonly certificate: DtlsCertificate;
  readonly ice: CardIce;
  readonly addresses: readonly string[];
  readonly route: MuxRoute;
  readonly videoCodecs?: readonly VideoCodecName[];
}

/** The device's connection for one peer, its auth channel (negotiated, id 1000) included. */
export interface DevicePeer {
  readonly pc: RTCPeerConnection;
  readonly authChannel: RTCDataChannel;
}

interface StunProtocolLike {
  type: string;
  transport?: MuxTransport;
  connectionMade: (useIpv4: unknown, ...rest: unknown[]) => Promise<void>;
  datagramReceived(data: Buffer, addr: [string, number]): void;
}

interface IceConnectionInternals {
  localUsername: string;
  localPassword: string;
  userHistory: Record<string, string>;
  verifyRemoteUsername?: boolean;
  liteSelectFirstCheck?: boolean;
  ensureProtocol(protocol: StunProtocolLike): void;
}

/**
 * Throw `WeriftInternalsError` unless the loaded werift carries lanrtc's patch parts the device
 * needs (docs/werift-patches.md §2, §4, §5): without them every connection would fail after DTLS.
 */
export function assertWeriftDirectSupport(): void {
  const ice = Connection.prototype as unknown as Record<string, unknown>;
  const dtls = RTCDtlsTransport.prototype as unknown as Record<string, unknown>;
  const verify = String(dtls.verifyRemoteCertificateFingerprint);
  const start = String(RTCSctpTransport.prototype.start);
  if (
    typeof ice.authenticateRequest !== 'function' ||
    !verify.includes('deferRemoteFingerprintCheck') ||
    !start.includes('dtlsTransport.role')
  ) {
    throw new WeriftInternalsError('werift lacks the lanrtc patch the direct-connect listener needs');
  }
}

/**
 * Build and arm the connection; the route's STUN may be released once this resolves (its DTLS is
 * released by the connection itself, when its DTLS transport starts).
 */
export async function createDevicePeer(init: DevicePeerInit): Promise<DevicePeer> {
  const pc = createNodePeer({
    certificate: init.certificate,
    iceLite: true,
    interfaceAddresses: init.addresses,
    ...(init.videoCodecs ? { videoCodecs: init.videoCodecs } : {}),
  });
  try {
    const authChannel = pc.createDataChannel(DIRECT_AUTH_LABEL, {
      negotiated: true,
      id: DIRECT_AUTH_CHANNEL_ID,
      ordered: true,
    });
    armTransports(pc, init);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await pc.setRemoteDescription(placeholderAnswer(offer.sdp));
    return { pc, authChannel };
  } catch (error) {
    void pc.close();
    throw error;
  }
}

function armTransports(pc: RTCPeerConnection, init: DevicePeerInit): void {
  if (pc.iceTransports.length !== 1 || pc.dtlsTransports.length !== 1) {
    throw new WeriftInternalsError('expected exactly one bundled ICE and DTLS transport');
  }
  const connection = pc.iceTransports[0]?.connection as unknown as IceConnectionInternals;
  const dtls = pc.dtlsTransports[0] as unknown as { deferRemoteFingerprintCheck?: boolean };
  if (!('verifyRemoteUsername' in connection) || typeof connection.ensureProtocol !== 'function') {
    throw new WeriftInternalsError('werift lacks the lanrtc patch (verifyRemoteUsername / ensureProtocol)');
  }
  // Fixed credentials from the card; the random ones werift generated must not stay valid.
  connection.localUsername = init.ice.ufrag;
  connection.localPassword = init.ice.pwd;
  connection.userHistory = Object.assign(Object.create(null) as Record<string, string>, {
    [init.ice.ufrag]: init.ice.pwd,
  });
  // The remote ufrag is a placeholder; USERNAME's left half and MESSAGE-INTEGRITY still authenticate.
  connection.verifyRemoteUsername = false;
  // ICE is connected at the peer's first authenticated check, not only at its nominating one: a
  // browser sends its ClientHello as soon as that first check is answered (werift patch §10).
  connection.liteSelectFirstCheck = true;
  dtls.deferRemoteFingerprintCheck = true;
  // werift starts DTLS only once ICE is connected and drops DTLS that arrives before, so the route
  // holds it until then. `start` builds the DTLS server and
  // subscribes it to ICE synchronously, before its first await: the held ClientHello can be handed
  // over as soon as the call returns (werift 0.24.4, `RTCDtlsTransport.start`).
  const dtlsTransport = pc.dtlsTransports[0] as unknown as { start(): Promise<void> };
  const start = dtlsTransport.start;
  dtlsTransport.start = function (this: unknown) {
    const started = start.call(this);
    init.route.releaseData();
    return started;
  };
  // werift binds a socket per host address in `connectionMade`; give each UDP protocol the
  // listener's shared port instead (ensureProtocol runs right before connectionMade).
  const ensureProtocol = connection.ensureProtocol;
  connection.ensureProtocol = function (this: IceConnectionInternals, protocol: StunProtocolLike) {
    ensureProtocol.call(this, protocol);
    if (protocol.type !== 'stun') return;
    protocol.connectionMade = async (useIpv4: unknown) => {
      const address = init.addresses.find((a) => (isIP(a) === 4) === (useIpv4 === true));
      if (address === undefined) throw new WeriftInternalsError('no listener address of that family');
      const transport = init.route.transport(address);
      transport.onData = (data, addr) => protocol.datagramReceived(data, addr);
      protocol.transport = transport;
    };
  };
}

/** The answer werift believes it got: makes it DTLS server, carries nothing the peer must match. */
function placeholderAnswer(offerSdp: string): SessionDescriptionInit {
  const mid = /^a=mid:(\S+)/m.exec(offerSdp)?.[1];
  if (!mid) throw new WeriftInternalsError('werift offer has no a=mid');
  return formatSdp({
    type: 'answer',
    iceUfrag: PLACEHOLDER_UFRAG,
    icePwd: PLACEHOLDER_PWD,
    fingerprint: new Uint8Array(32),
    setup: 'active',
    iceLite: false,
    iceOptions: [],
    mid,
    bundle: true,
    sctpPort: DIRECT_SCTP_PORT,
    maxMessageSize: DIRECT_MAX_MESSAGE_SIZE,
    candidates: [],
    endOfCandidates: true,
  });
}

/**
 * The peer's real description (a renegotiation offer or answer, already checked: signed by the
 * verified identity, carrying the verified fingerprint) as the device applies it: with the
 * placeholder ICE credentials werift already holds, because a changed remote ufrag/pwd is an ICE
 * restart to werift (RFC 8839 §4.4.1.1.1) and would replace the card's credentials and drop the
 * connection; and without candidates, which an ICE-lite agent never checks (RFC 8445 §2.5) and whose
 * `.local` names werift would otherwise resolve by multicast.
 */
export function keepPlaceholderCredentials(description: SessionDescriptionInit): SessionDescriptionInit {
  const sdp = description.sdp
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates')
    .map((line) =>
      line.startsWith('a=ice-ufrag:')
        ? `a=ice-ufrag:${PLACEHOLDER_UFRAG}`
        : line.startsWith('a=ice-pwd:')
          ? `a=ice-pwd:${PLACEHOLDER_PWD}`
          : line,
    )
    .join('\r\n');
  return { type: description.type, sdp };
}
