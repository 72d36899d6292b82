/**
 * Browser entry for qr.test.ts: the package on `globalThis.lanrtc`, plus a spy on `getUserMedia`
 * so the test can see that every camera track was stopped, however the scan ended.
 */
import * as client from '../../src/index.js';

const streams: MediaStream[] = [];
const media = globalThis.navigator?.mediaDevices;
if (media?.getUserMedia) {
  const original = media.getUserMedia.bind(media);
  media.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    streams.push(stream);
    return stream;
  };
}

(globalThis as { lanrtc?: unknown }).lanrtc = {
  ...client,
  /** States of every camera track opened so far. */
  trackStates: () => streams.flatMap((s) => s.getTracks().map((t) => t.readyState)),
};
