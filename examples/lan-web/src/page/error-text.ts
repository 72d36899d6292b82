/** Typed lanrtc errors (and the browser's) in words a person can act on. */

const WORDS: Record<string, string> = {
  PairingFailedError: 'That PIN did not match. Check the 6 digits `lanrtc expose` shows and try again.',
  PairingLockedError: 'Too many wrong PINs: the device stopped accepting PINs for now.',
  PairingExpiredError: 'The PIN expired. Enter the one the device shows now.',
  PairingNotOpenError: 'The device is not accepting new peers: start `lanrtc expose` with --pin.',
  WeakPinError: 'That cannot be the PIN: it is the 6 digits after "PIN:" on the device.',
  NotPairedError: 'The device does not know this browser (never paired, or revoked): pair with its PIN.',
  NotPairedYetError: 'The device does not know this browser (never paired, or revoked): pair with its PIN.',
  CardExpiredError: 'This card has expired: paste the one the device prints now.',
  MalformedInputError: 'That is not a device card (it starts with LR1:).',
  InvalidSignatureError: 'That card is damaged: its signature does not verify.',
  UnsupportedVersionError: 'That device speaks a newer version of lanrtc.',
  SessionTimeoutError: 'The device did not answer in time.',
  TransportClosedError: 'The connection to the device was lost.',
  FingerprintMismatchError: 'The device’s certificate did not match: connection refused.',
  HttpServiceRefusedError: 'The device refused its web service to this browser.',
  CameraUnavailableError: 'No camera here (or no permission): paste the card text instead.',
  QrNotFoundError: 'No code seen. Hold the camera closer, or paste the text.',
  StorageUnavailableError: 'This browser cannot store the pairing (private mode?).',
};

/** Words for `error` (by its `name`; a device's rejection by its reason). */
export function errorText(error: unknown): string {
  const e = error as { name?: string; reason?: string } | undefined;
  const name = e?.name === 'PeerRejectedError' && e.reason ? e.reason : (e?.name ?? 'Error');
  return WORDS[name] ?? `Something went wrong (${name}).`;
}

/** Whether `error` says the device does not (or no longer does) know this browser. */
export function isNotPaired(error: unknown): boolean {
  const e = error as { name?: string; reason?: string } | undefined;
  const name = e?.name === 'PeerRejectedError' && e.reason ? e.reason : e?.name;
  return name === 'NotPairedError' || name === 'NotPairedYetError' || name === 'UnknownPeerError';
}
