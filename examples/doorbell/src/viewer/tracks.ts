/**
 * The doorbell's incoming tracks on a peer connection, as one `MediaStream`. Tracks can arrive
 * before the app holds the connection (the device offers them right after it authenticated us), so
 * the receivers already there are taken too, and later `track` events add to the same stream.
 */

/** Call `onStream` with the stream of the peer's incoming tracks, each time a track joins it. */
export function collectTracks(pc: RTCPeerConnection, onStream: (stream: MediaStream) => void): void {
  const stream = new MediaStream();
  const add = (track: MediaStreamTrack) => {
    if (stream.getTrackById(track.id)) return;
    stream.addTrack(track);
    onStream(stream);
  };
  for (const t of pc.getTransceivers())
    if (t.currentDirection === 'recvonly' || t.currentDirection === 'sendrecv') add(t.receiver.track);
  pc.addEventListener('track', (event) => add(event.track));
}
