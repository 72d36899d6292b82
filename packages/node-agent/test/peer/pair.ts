/**
 * Test helpers: connect two werift peers in one process by handing offer and answer over directly
 * (complete descriptions, no trickle), and wait for werift events with a deadline.
 */
import type { RTCDataChannel, RTCPeerConnection } from 'werift';

/** True inside the private network namespace of scripts/netns-run.mjs; socket tests skip elsewhere. */
export const IN_NETNS = process.env.LANRTC_IN_NETNS === '1';

/** Resolve with the first event value that matches, reject after `ms`. */
export function waitFor<T>(
  event: { subscribe(f: (v: T) => void): { unSubscribe(): void } },
  match: (v: T) => boolean,
  ms: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unSubscribe();
      reject(new Error(`timeout waiting for ${what}`));
    }, ms);
    const sub = event.subscribe((v) => {
      if (!match(v)) return;
      clearTimeout(timer);
      sub.unSubscribe();
      resolve(v);
    });
  });
}

/** Offer from `offerer` (with one DataChannel), answer from `answerer`; descriptions carry all candidates. */
export async function negotiate(
  offerer: RTCPeerConnection,
  answerer: RTCPeerConnection,
): Promise<RTCDataChannel> {
  const channel = offerer.createDataChannel('echo');
  await offerer.setLocalDescription(await offerer.createOffer());
  await gathered(offerer);
  const offer = offerer.localDescription;
  if (!offer) throw new Error('no local offer');
  await answerer.setRemoteDescription(offer);
  await answerer.setLocalDescription(await answerer.createAnswer());
  await gathered(answerer);
  const answer = answerer.localDescription;
  if (!answer) throw new Error('no local answer');
  await offerer.setRemoteDescription(answer);
  return channel;
}

async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await waitFor(pc.iceGatheringStateChange, (s) => s === 'complete', 5_000, 'ICE gathering');
}

/** Wait until the channel is open. */
export async function opened(channel: RTCDataChannel, ms = 5_000): Promise<void> {
  if (channel.readyState === 'open') return;
  await waitFor(channel.stateChanged, (s) => s === 'open', ms, 'DataChannel open');
}

/** `host:port` of every candidate in an SDP. */
export function candidateAddresses(sdp: string): string[] {
  const out: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const m = /^a=candidate:\S+ \d+ \S+ \d+ (\S+) (\d+) typ /.exec(line);
    if (m) out.push(`${m[1]}:${m[2]}`);
  }
  return out;
}

/** Let werift's close-time timers and socket closes run. */
export function settle(ms = 200): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
