/**
 * The offering side of QR signalling built from werift, doing what browser-client's `createQrOffer`
 * does on a page: negotiated auth channel, offer with every candidate, optional pairing secret;
 * `accept(answerText)` checks the answer's binding (decoding is verifying), sets it, and runs
 * in-band authentication as responder (pairing window on the secret). Echoes on every channel the
 * answerer opens.
 */
import { decodeQrPayload, type QrOffer } from '@lanrtc/signal-core';
import { encodeQrOffer } from '@lanrtc/signal-core/codec';
import {
  DIRECT_AUTH_CHANNEL_ID,
  DIRECT_AUTH_LABEL,
  type DirectAuthResult,
  runDirectAuth,
} from '@lanrtc/signal-core/protocol';
import type { RTCPeerConnection } from 'werift';
import { weriftAuthPort } from '../../src/direct/auth-port.js';
import { closePeerConnection } from '../../src/direct/connection.js';
import { certificateFingerprint, createNodePeer, remoteCertificateFingerprint } from '../../src/index.js';
import type { Party } from '../direct/support.js';
import { waitFor } from '../peer/pair.js';

/** A pending werift QR offer. */
export interface QrOfferer {
  readonly text: string;
  readonly offer: QrOffer;
  readonly pc: RTCPeerConnection;
  /** Messages the echo saw, in order. */
  readonly echoed: string[];
  accept(answerText: string): Promise<DirectAuthResult>;
  close(): Promise<void>;
}

/**
 * Offer on `host` as `party`; with `secret` (16 bytes) the answerer pairs in-band. `rewrite` changes
 * the SDP that goes into the offer's text (werift's own local description stays as it is), e.g. to
 * stand for a browser whose host candidates are `<uuid>.local` names.
 */
export async function qrOfferer(
  party: Party,
  host: string,
  secret?: Uint8Array,
  rewrite: (sdp: string) => string = (sdp) => sdp,
): Promise<QrOfferer> {
  const pc = createNodePeer({ certificate: party.certificate, interfaceAddresses: [host] });
  const channel = pc.createDataChannel(DIRECT_AUTH_LABEL, {
    negotiated: true,
    id: DIRECT_AUTH_CHANNEL_ID,
    ordered: true,
  });
  const port = weriftAuthPort(channel, pc);
  const echoed: string[] = [];
  pc.onDataChannel.subscribe((ch) => {
    ch.onMessage.subscribe((data) => {
      echoed.push(String(data));
      ch.send(data);
    });
  });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete')
    await waitFor(pc.iceGatheringStateChange, (s) => s === 'complete', 5_000, 'offer gathering');
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('no local offer');
  const text = encodeQrOffer({ type: 'offer', sdp: rewrite(sdp) }, secret ? { secret } : {});
  const offer = decodeQrPayload(text) as QrOffer;
  return {
    text,
    offer,
    pc,
    echoed,
    async accept(answerText) {
      const answer = decodeQrPayload(answerText, { offer });
      if (answer.kind !== 'answer') throw new Error(`expected an answer, got ${answer.kind}`);
      await pc.setRemoteDescription(answer.description);
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          port.opened(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('auth channel not open')), 10_000);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
      const remoteFingerprint = remoteCertificateFingerprint(pc);
      if (!remoteFingerprint) throw new Error('no remote certificate');
      return runDirectAuth(port, {
        role: 'responder',
        identity: party.identity,
        trust: party.trust,
        localFingerprint: certificateFingerprint(party.certificate),
        remoteFingerprint,
        ...(secret ? { pairingWindow: { mode: () => ({ kind: 'secret', secret }) } } : {}),
      });
    },
    async close() {
      port.dispose();
      await closePeerConnection(pc);
    },
  };
}
