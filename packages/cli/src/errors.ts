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
