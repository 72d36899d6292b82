/** The doorbell's errors: one class per condition, a stable `name`, no secret in any message. */

/** Base of the doorbell's errors. */
export class DoorbellError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A command-line argument the doorbell cannot use (exit code 2, with the usage). */
export class DoorbellUsageError extends DoorbellError {}

/** No IPv4 address on a LAN interface to serve and announce on. */
export class NoLanAddressError extends DoorbellError {}

/** The state file in the config directory is not one the doorbell wrote. */
export class CorruptDoorbellStateError extends DoorbellError {}

/** A viewer id (or prefix) that matches no paired viewer, or more than one. */
export class UnknownViewerError extends DoorbellError {}

/** The viewer's directory is missing: the viewer was not built. */
export class ViewerNotBuiltError extends DoorbellError {}
