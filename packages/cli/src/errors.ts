/**
 * Errors of the `lanrtc` command line beyond those of the packages it drives. Callers branch on
 * `err.name` (stable), never on the message.
 */
import { LanrtcError } from '@lanrtc/signal-core';

/** A command line that does not parse: unknown subcommand or flag, a bad value (exit code 2). */
export class UsageError extends LanrtcError {
  static override readonly code = 'UsageError';
  /** The subcommand whose usage to print, when known. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** A stored CLI file (ICE credentials) that does not parse; never replaced silently. */
export class CorruptCliFileError extends LanrtcError {
  static override readonly code = 'CorruptCliFileError';
}

/** Text given to `lanrtc paste` that is neither a lanrtc QR payload nor a card. */
export class UnrecognisedPasteError extends LanrtcError {
  static override readonly code = 'UnrecognisedPasteError';
}

/** `lanrtc connect`: no verified card with that name or id was announced within the search time. */
export class DeviceNotFoundError extends LanrtcError {
  static override readonly code = 'DeviceNotFoundError';
}

/** `lanrtc connect NAME`: more than one device announces that name; connect by id instead. */
export class AmbiguousDeviceError extends LanrtcError {
  static override readonly code = 'AmbiguousDeviceError';
}

/** Both ends are the same identity (one config directory used twice): nothing to authenticate. */
export class SameIdentityError extends LanrtcError {
  static override readonly code = 'SameIdentityError';
}

/** The device named in the card did not answer at its address within the time given. */
export class DeviceNotAnsweringError extends LanrtcError {
  static override readonly code = 'DeviceNotAnsweringError';
}

/** The device does not trust this identity yet and no pairing was offered. */
export class NotPairedYetError extends LanrtcError {
  static override readonly code = 'NotPairedYetError';
}

/** A one-time pairing card that already paired a peer (or was withdrawn) was used again. */
export class PairingCardUsedError extends LanrtcError {
  static override readonly code = 'PairingCardUsedError';
}

/** `lanrtc peers rename|revoke ID`: no peer with that id in the trust store. */
export class PeerNotFoundError extends LanrtcError {
  static override readonly code = 'PeerNotFoundError';
}

/** What was typed at `lanrtc connect`'s PIN prompt is not a PIN (digits). */
export class PinEntryError extends LanrtcError {
  static override readonly code = 'PinEntryError';
}

/** Pairing by comparison did not complete: a person answered no (the digits differed) or it timed out. */
export class ComparisonFailedError extends LanrtcError {
  static override readonly code = 'ComparisonFailedError';
}

/** What was typed at `lanrtc send`'s receiver prompt is not one of the numbers listed. */
export class ChoiceEntryError extends LanrtcError {
  static override readonly code = 'ChoiceEntryError';
}

/** `lanrtc send` without `--to`: no `files` receiver announced itself within the search time. */
export class NoReceiverError extends LanrtcError {
  static override readonly code = 'NoReceiverError';
}

/** `lanrtc send`: a path given on the command line does not exist or cannot be read. */
export class SendPathError extends LanrtcError {
  static override readonly code = 'SendPathError';
}

/** `lanrtc receive --web`: the file-drop page it serves was not built (run `pnpm build`). */
export class WebPageNotBuiltError extends LanrtcError {
  static override readonly code = 'WebPageNotBuiltError';
}
