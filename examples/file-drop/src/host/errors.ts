/** The file-drop host's errors: callers branch on `err.name`. */

/** Base of the host's own errors. */
export class FileDropError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FileDropError';
  }
}

/** A command-line mistake (exit code 2, with the usage text). */
export class FileDropUsageError extends FileDropError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FileDropUsageError';
  }
}

/** No IPv4 address on a LAN interface to serve and announce on. */
export class NoLanAddressError extends FileDropError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NoLanAddressError';
  }
}

/** The page was not built (`dist/page` is missing). */
export class PageNotBuiltError extends FileDropError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PageNotBuiltError';
  }
}
