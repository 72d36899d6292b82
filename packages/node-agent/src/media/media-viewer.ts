/**
 * One viewer of a media source: its send-only tracks on a werift connection, the codec both sides
 * agreed on, and the feed that writes the source's shared packets into them, starting at the cached
 * keyframe and answering its keyframe requests from the cache.
 */
import {
  MediaStream,
  MediaStreamTrack,
  type RTCPeerConnection,
  type RTCRtpCodecParameters,
  type RTCRtpSender,
  type RTCRtpTransceiver,
  RtpPacket,
} from 'werift';
import { UnsupportedMediaError } from '../errors.js';
import type { GopCache } from './gop-cache.js';
import { isVideoCodec, type VideoCodecName } from './video-codec.js';
import { VideoSplicer } from './video-splicer.js';

/** One viewer's senders on its peer connection. */
export interface MediaViewer {
  readonly video: RTCRtpSender;
  readonly audio: RTCRtpSender | undefined;
  /** ms from `addTo` to the first keyframe packet handed to this viewer's sender, once it happened. */
  keyframeAfterMs(): number | undefined;
  /** Stop feeding this viewer and remove its tracks from the connection (the source keeps running). */
  close(): void;
}

/** What the source hands every viewer: each video packet (flagged when it starts a keyframe) and audio packet. */
export interface Feed {
  onVideo(packet: Buffer, keyframeStart: boolean): void;
  onAudio(packet: Buffer): void;
  close(): void;
}

/** RTCP payload-specific feedback (RFC 4585 §6.1) and its FIR format (RFC 5104 §4.3.1). */
const RTCP_PSFB = 206;
const FMT_FIR = 4;
/** A viewer's keyframe requests answered at most this often (Chromium repeats PLIs while it waits). */
const KEYFRAME_REQUEST_MIN_INTERVAL_MS = 1_000;

const CODEC_LABEL: Record<VideoCodecName, string> = { vp8: 'VP8', h264: 'H.264 (packetization-mode=1)' };

/** A viewer's tracks and the feed that writes the shared packets into them once its senders can send. */
export function createViewer(
  pc: RTCPeerConnection,
  media: { codec: VideoCodecName; audio: boolean },
  ctx: { gop: GopCache | undefined; onPli(): void; onClose(f: Feed): void },
): { viewer: MediaViewer; feed: Feed } {
  const videoTrack = new MediaStreamTrack({ kind: 'video' });
  const audioTrack = media.audio ? new MediaStreamTrack({ kind: 'audio' }) : undefined;
  const stream = new MediaStream(audioTrack ? [videoTrack, audioTrack] : [videoTrack]);
  const local = localCodecs(pc, media.codec);
  const video = addSendOnly(pc, videoTrack, stream);
  try {
    agreeOnCodec(pc, video, local, media.codec);
  } catch (e) {
    // The remote's offer has no use for this track: leave its section as werift's removeTrack does.
    pc.removeTrack(video);
    videoTrack.stop();
    throw e;
  }
  const audio = audioTrack ? addSendOnly(pc, audioTrack, stream) : undefined;
  const added = performance.now();
  const splicer = new VideoSplicer(media.codec);
  let keyframeAt: number | undefined;
  let started = false;
  let closed = false;
  let lastSplice = Number.NEGATIVE_INFINITY;
  // werift drops what a sender is given before DTLS is up and the codec negotiated.
  const ready = (s: RTCRtpSender) => s.codec !== undefined && s.transport?.state === 'connected';
  // A new viewer gets the GOP with its encoded timestamps, which the live packets continue (Chromium
  // decoded it at once); a splice into a running stream squeezes them (see GopCache.replay).
  const sendGop = (splice: boolean): boolean => {
    const cached = ctx.gop?.replay(splice) ?? [];
    if (cached.length === 0) return false;
    keyframeAt ??= performance.now() - added;
    for (const p of splicer.splice(cached)) videoTrack.writeRtp(p);
    return true;
  };
  // A keyframe request (PLI, RFC 4585 §6.3.1; FIR, RFC 5104 §4.3.1) cannot reach ffmpeg: the viewer
  // gets the cached GOP again, spliced into its stream, at most once per second.
  const onKeyframeRequest = () => {
    ctx.onPli();
    const now = performance.now();
    if (!started || closed || now - lastSplice < KEYFRAME_REQUEST_MIN_INTERVAL_MS) return;
    if (sendGop(true)) lastSplice = now;
  };
  const pliSub = video.onPictureLossIndication.subscribe(onKeyframeRequest);
  const firSub = video.onRtcp.subscribe((rtcp) => {
    if (rtcp.type === RTCP_PSFB && (rtcp as { feedback?: { count?: number } }).feedback?.count === FMT_FIR) {
      onKeyframeRequest();
    }
  });
  const feed: Feed = {
    onVideo(packet, keyframeStart) {
      if (!started) {
        if (!ready(video)) return;
        started = true;
        // The cache already holds `packet` (pushed before the feeds run).
        if (sendGop(false)) return;
      }
      if (keyframeStart) keyframeAt ??= performance.now() - added;
      videoTrack.writeRtp(splicer.rewrite(RtpPacket.deSerialize(packet)));
    },
    onAudio(packet) {
      if (audioTrack && audio && ready(audio)) audioTrack.writeRtp(packet);
    },
    close() {
      if (closed) return;
      closed = true;
      pliSub.unSubscribe();
      firSub.unSubscribe();
      ctx.onClose(feed);
      videoTrack.stop();
      audioTrack?.stop();
      // A closed connection has nothing left to renegotiate.
      if (pc.connectionState !== 'closed') {
        for (const s of [video, audio]) if (s) pc.removeTrack(s);
      }
    },
  };
  return {
    feed,
    viewer: { video, audio, keyframeAfterMs: () => keyframeAt, close: () => feed.close() },
  };
}

/**
 * Restrict the video transceiver to the source's codec, so werift sends the packets under that
 * codec's payload type and both sides agree on it (RFC 8829 §5.3.1: an answer's codecs are a subset
 * of the offer's). When the remote already offered this m-section, its offer must list the codec;
 * otherwise this side's next offer lists only it, and a remote that cannot take it rejects the offer
 * (werift: `setRemoteDescription` fails) or answers with the section rejected (RFC 8843 / port 0).
 */
function agreeOnCodec(
  pc: RTCPeerConnection,
  sender: RTCRtpSender,
  local: RTCRtpCodecParameters[],
  codec: VideoCodecName,
): void {
  const transceiver = pc.getTransceivers().find((t) => t.sender === sender) as RTCRtpTransceiver;
  if (transceiver.codecs.length === 0) {
    transceiver.codecs = local;
    return;
  }
  // Negotiated already (from the remote's offer, or an earlier round on a reused transceiver).
  const agreed = transceiver.codecs.filter((c) => isVideoCodec(c, codec));
  const first = agreed[0];
  if (!first) {
    throw new UnsupportedMediaError(`the remote's offer for this video section has no ${CODEC_LABEL[codec]}`);
  }
  transceiver.codecs = agreed;
  // werift chose the sender's codec (the first offered) when it applied the offer.
  if (sender.codec !== undefined && !isVideoCodec(sender.codec, codec)) sender.codec = first;
  if (sender.track) sender.track.codec = sender.codec ?? first;
}

/** The connection's configured codecs that are `codec`: werift negotiates no other. */
function localCodecs(pc: RTCPeerConnection, codec: VideoCodecName): RTCRtpCodecParameters[] {
  const local = (pc.config.codecs.video ?? []).filter((c) => isVideoCodec(c, codec));
  if (local.length === 0) {
    throw new UnsupportedMediaError(
      `this connection does not negotiate ${CODEC_LABEL[codec]}: create it with createNodePeer({ videoCodecs: ['${codec}'] })`,
    );
  }
  return local;
}

/**
 * `addTrack` (so a transceiver the remote offered is reused), then send-only: werift 0.24.4 routes
 * feedback by the sender SSRC first, so on a sendrecv transceiver a viewer's PLI reached the local
 * receiver instead of this sender (measured: no PLI arrived).
 */
function addSendOnly(pc: RTCPeerConnection, track: MediaStreamTrack, stream: MediaStream): RTCRtpSender {
  const sender = pc.addTrack(track, stream);
  const transceiver = pc.getTransceivers().find((t) => t.sender === sender);
  if (transceiver?.direction === 'sendrecv') transceiver.setDirection('sendonly');
  return sender;
}
