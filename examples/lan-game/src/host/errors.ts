/** The host process's errors (the shared ones, for bytes off the network, are in `../shared/errors.ts`). */
import { GameError } from '../shared/errors.js';

export { GameError, GameUsageError } from '../shared/errors.js';

/** No IPv4 address on a LAN interface to serve and announce on. */
export class NoLanAddressError extends GameError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NoLanAddressError';
  }
}

/** The page was not built (`dist/client` is missing). */
export class ClientNotBuiltError extends GameError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientNotBuiltError';
  }
}
