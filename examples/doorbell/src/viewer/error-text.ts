/** Typed lanrtc errors (and the browser's) in words a person at the door can act on. */

const WORDS: Record<string, string> = {
  PairingFailedError: 'That PIN did not match. Check the 6 digits on the doorbell and try again.',
  PairingLockedError:
    'Too many wrong PINs: the doorbell stopped accepting PINs for now. Use its pairing card instead.',
  PairingExpiredError: 'The PIN expired. Enter the one the doorbell shows now.',
  PairingNotOpenError: 'The doorbell is not accepting new viewers right now.',
  WeakPinError: 'That cannot be the PIN: check the 6 digits the doorbell shows.',
  NotPairedError: 'This doorbell does not know this viewer yet: pair with its PIN.',
  CardExpiredError: 'This card has expired. Scan the code the doorbell shows now.',
  MalformedInputError: 'That is not a doorbell card (it should start with LR1:).',
  InvalidSignatureError: 'That card is damaged: its signature does not verify.',
  UnsupportedVersionError: 'That card is from a newer version of the doorbell.',
  SessionTimeoutError: 'The doorbell did not answer in time.',
  NoSignallingPathError: 'No way to reach the doorbell from this page.',
  RelayError: 'The doorbell’s web server refused the connection.',
  RelayHandshakeError: 'Could not log in to the doorbell’s server.',
  TransportClosedError: 'The connection to the doorbell was lost.',
  UnexpectedSenderError: 'Another device answered instead of this doorbell.',
  FingerprintMismatchError: 'The doorbell’s certificate did not match: connection refused.',
  CameraUnavailableError: 'No camera here (or no permission): paste the card text instead.',
  QrNotFoundError: 'No doorbell code seen. Hold the camera closer, or paste the text.',
  NotAllowedError: 'Microphone permission was denied.',
  NotFoundError: 'No microphone found.',
  StorageUnavailableError: 'This browser cannot store the pairing (private mode?).',
};

/** Words for `error` (by its `name`; a device's rejection by its reason). */
export function errorText(error: unknown): string {
  const e = error as { name?: string; reason?: string; message?: string } | undefined;
  if (e?.name === 'PeerRejectedError' && e.reason) {
    if (e.reason === 'PairingFailedError') return WORDS.PairingFailedError as string;
    return WORDS[e.reason] ?? `The doorbell refused this viewer (${e.reason}).`;
  }
  return WORDS[e?.name ?? ''] ?? `Something went wrong (${e?.name ?? 'Error'}).`;
}

/** The name a test sees: a device's rejection by its reason, else the error's own name. */
export function errorName(error: unknown): string {
  const e = error as { name?: string; reason?: string } | undefined;
  return e?.name === 'PeerRejectedError' && e.reason ? e.reason : (e?.name ?? 'Error');
}
