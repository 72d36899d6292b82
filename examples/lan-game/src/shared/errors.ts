/**
 * The game's errors: one class per condition, a stable `name` (set explicitly, so a minified client
 * bundle keeps it), no secret in any message.
 */

/** Base of the game's errors. */
export class GameError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GameError';
  }
}

/** Network bytes that are not a well-formed game message (truncated, trailing bytes, a value out of range). */
export class MalformedMessageError extends GameError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedMessageError';
  }
}

/** A message whose type byte this version does not know. */
export class UnknownMessageTypeError extends GameError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnknownMessageTypeError';
  }
}

/** A message larger than any the game sends. */
export class MessageTooLargeError extends GameError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageTooLargeError';
  }
}

/** A value the game cannot encode (a name too long, a slot out of range): a bug on the sending side. */
export class UnencodableValueError extends GameError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnencodableValueError';
  }
}

/** A command-line option or a URL option the game cannot use. */
export class GameUsageError extends GameError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GameUsageError';
  }
}
