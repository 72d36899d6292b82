/**
 * Push-to-talk: the first press opens the microphone and adds it to the connection on a send-only
 * transceiver of its own (`negotiationneeded` renegotiates by itself; a transceiver of its own keeps
 * the doorbell's send-only tracks as they are). Release puts silence in its place
 * (`replaceTrack(null)`, no renegotiation); the next press puts the microphone back. The doorbell
 * hears `{t:'talk',on}` with each change.
 */
import type { BrowserConnection } from '@lanrtc/browser-client';
import type { ViewerMessage } from '../shared/messages.js';

/** The talk-back state of one connection. */
export interface Talk {
  readonly on: boolean;
  press(): Promise<void>;
  release(): void;
  /** Audio packets sent so far (outbound-rtp stats). */
  packetsSent(): Promise<number>;
  /** Stop the microphone (the connection ended or the app closes). */
  stop(): void;
}

/** Talk-back over `connection`, sending control messages with `send`. */
export function createTalk(connection: BrowserConnection, send: (m: ViewerMessage) => void): Talk {
  let mic: MediaStreamTrack | undefined;
  let sender: RTCRtpSender | undefined;
  let on = false;
  let pressing: Promise<void> | undefined;

  const open = async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true } });
    const track = stream.getAudioTracks()[0];
    if (!track) throw new Error('no microphone track');
    mic = track;
    sender = connection.peer.pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] }).sender;
  };

  return {
    get on() {
      return on;
    },
    async press() {
      if (on) return;
      on = true;
      try {
        if (!mic) {
          // One getUserMedia for presses that come while the permission prompt is up.
          pressing ??= open().finally(() => {
            pressing = undefined;
          });
          await pressing;
        }
        if (!mic || !sender) return;
        if (!on) {
          // Released while the microphone was opening: stay silent.
          mic.enabled = false;
          await sender.replaceTrack(null);
          return;
        }
        mic.enabled = true;
        if (sender.track !== mic) await sender.replaceTrack(mic);
        send({ v: 1, t: 'talk', on: true });
      } catch (error) {
        on = false;
        throw error;
      }
    },
    release() {
      if (!on) return;
      on = false;
      if (mic) mic.enabled = false;
      void sender?.replaceTrack(null).catch(() => {});
      send({ v: 1, t: 'talk', on: false });
    },
    async packetsSent() {
      if (!sender) return 0;
      let sent = 0;
      (await sender.getStats()).forEach((s: { type: string; packetsSent?: number }) => {
        if (s.type === 'outbound-rtp') sent += s.packetsSent ?? 0;
      });
      return sent;
    },
    stop() {
      on = false;
      mic?.stop();
      mic = undefined;
    },
  };
}
