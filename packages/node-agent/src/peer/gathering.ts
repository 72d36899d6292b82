/** Waiting for werift's ICE gathering before a description is written into a QR code (no trickle there). */
import type { RTCPeerConnection } from 'werift';

/** Longest wait for ICE gathering before the description is made from the candidates gathered so far. */
export const GATHERING_MAX_MS = 5_000;

/** werift gathers inside `setLocalDescription`; wait for the state anyway, at most `GATHERING_MAX_MS`. */
export function gatheringComplete(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.unSubscribe();
      resolve();
    };
    const timer = setTimeout(done, GATHERING_MAX_MS);
    const sub = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') done();
    });
  });
}
