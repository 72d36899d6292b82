import {
  decodeSdp,
  encodeSdp,
  fromQrText,
  type SessionDescriptionInit,
  toQrText,
} from '@lanrtc/signal-core/codec';
import { describe, expect, it } from 'vitest';
import { type RTCDataChannel, RTCPeerConnection, RTCSessionDescription } from 'werift';
import { sdpFixtures } from '../../../../test/kit/sdp-fixtures.js';
import { noStun } from '../../../../test/kit/werift.js';

const IN_NETNS = process.env.LANRTC_IN_NETNS === '1';
if (!IN_NETNS)
  console.warn(
    'codec/werift-accepts: SKIPPED — not inside the test network namespace (use scripts/test.mjs)',
  );

const fixtures = sdpFixtures();

/** Only the compact form travels: description → bytes → QR text → bytes → description. */
function viaQr(desc: { type: string; sdp: string }): SessionDescriptionInit {
  return decodeSdp(fromQrText(toQrText(encodeSdp(desc))));
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.iceGatheringStateChange.subscribe((s) => {
      if (s === 'complete') resolve();
    });
  });
}

function local(pc: RTCPeerConnection): { type: string; sdp: string } {
  const d = pc.localDescription;
  if (!d) throw new Error('no local description');
  return { type: d.type, sdp: d.sdp };
}

describe.skipIf(!IN_NETNS)('werift accepts decoded compact SDP', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('setRemoteDescription(decoded %s)', async (_n, f) => {
    const decoded = viaQr(f);
    const pc = new RTCPeerConnection({ iceServers: [] });
    try {
      if (decoded.type === 'answer') {
        pc.createDataChannel('probe');
        noStun(pc);
        await pc.setLocalDescription(await pc.createOffer());
      }
      await pc.setRemoteDescription(new RTCSessionDescription(decoded.sdp, decoded.type));
      noStun(pc);
      // werift re-serialises what it parsed: the real credentials must be in it.
      const ufragLine = decoded.sdp.split('\r\n').find((l) => l.startsWith('a=ice-ufrag:')) as string;
      expect(pc.remoteDescription?.sdp).toContain(ufragLine);
      expect(pc.signalingState).toBe(decoded.type === 'offer' ? 'have-remote-offer' : 'stable');
      if (decoded.type === 'offer') {
        await pc.setLocalDescription(await pc.createAnswer());
        expect(pc.signalingState).toBe('stable');
      }
    } finally {
      await pc.close();
    }
  });

  it('connects two werift peers whose offer and answer travelled only as compact QR text', async () => {
    const a = new RTCPeerConnection({ iceServers: [] });
    const b = new RTCPeerConnection({ iceServers: [] });
    try {
      const channel = a.createDataChannel('echo');
      noStun(a);
      await a.setLocalDescription(await a.createOffer());
      await gathered(a);
      const offerBytes = encodeSdp(local(a));
      b.onDataChannel.subscribe((ch: RTCDataChannel) => {
        ch.onMessage.subscribe((m) => ch.send(`echo:${m.toString()}`));
      });
      const offer = decodeSdp(fromQrText(toQrText(offerBytes)));
      await b.setRemoteDescription(new RTCSessionDescription(offer.sdp, offer.type));
      noStun(b);
      await b.setLocalDescription(await b.createAnswer());
      await gathered(b);
      const answer = viaQr(local(b));
      const echoed = new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no echo in 10 s')), 10_000);
        channel.stateChanged.subscribe((s) => {
          if (s === 'open') channel.send('ping');
        });
        channel.onMessage.subscribe((m) => {
          clearTimeout(timer);
          resolve(m.toString());
        });
      });
      await a.setRemoteDescription(new RTCSessionDescription(answer.sdp, answer.type));
      expect(await echoed).toBe('echo:ping');
      expect(offerBytes.length).toBeLessThan(100);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
