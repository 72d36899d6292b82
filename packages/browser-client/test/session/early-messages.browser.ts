/**
 * TEST-ONLY page script for early-messages.test.ts: two native peer connections in one page, each
 * adapted by `browserSessionPeer`; A greets on channels the instant they open, B's application
 * listens only later (by `addEventListener` on one channel, `onmessage` on the other).
 */
import { browserSessionPeer } from '../../src/session-peer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(): Promise<{ viaListener: string[]; viaHandler: string[] }> {
  const a = browserSessionPeer(new RTCPeerConnection({ iceServers: [] }));
  const b = browserSessionPeer(new RTCPeerConnection({ iceServers: [] }));
  a.onLocalCandidate((c) => void b.addIceCandidate(c));
  b.onLocalCandidate((c) => void a.addIceCandidate(c));
  for (const label of ['listener', 'handler']) {
    const ch = a.createDataChannel(label);
    ch.addEventListener('open', () => {
      for (const text of ['one', 'two', 'three']) ch.send(text);
    });
  }
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription() as never);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription() as never);
  const [viaListener, viaHandler] = [[] as string[], [] as string[]];
  const [chL, chH] = [await b.channel('listener'), await b.channel('handler')];
  await sleep(300); // the application is busy; A's greetings arrive meanwhile
  chL.addEventListener('message', (e) => viaListener.push(String(e.data)));
  chH.onmessage = (e) => viaHandler.push(String(e.data));
  await sleep(300);
  a.close();
  b.close();
  return { viaListener, viaHandler };
}

(globalThis as { earlyMessages?: unknown }).earlyMessages = { run };
