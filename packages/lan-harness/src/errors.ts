/**
 * Every error the LAN harness throws. Callers branch on `err.name` (stable), never on the message.
 * The harness is test tooling and deliberately does not depend on signal-core, so it has its own base.
 */

/** Base class of all lan-harness errors; `name` is the class's stable identifier. */
export class LanHarnessError extends Error {
  static readonly code: string = 'LanHarnessError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = (new.target as typeof LanHarnessError).code;
  }
}

/** This machine cannot build a namespace LAN: not root, or `ip`/`unshare` missing. */
export class LanUnavailableError extends LanHarnessError {
  static override readonly code = 'LanUnavailableError';
}

/** Options the harness cannot accept (host count, subnet, label). */
export class InvalidLanOptionsError extends LanHarnessError {
  static override readonly code = 'InvalidLanOptionsError';
}

/** An `ip` command that builds or changes the LAN failed. */
export class LanSetupError extends LanHarnessError {
  static override readonly code = 'LanSetupError';
}

/** Use of a LAN (or one of its hosts) after `close()`. */
export class LanClosedError extends LanHarnessError {
  static override readonly code = 'LanClosedError';
}
