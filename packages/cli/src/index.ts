/** @lanrtc/cli — the `lanrtc` command line. Explicit named exports only. */
export { parseCommand, parsePort } from './args.js';
export type { Command } from './command.js';
export {
  CONNECT_TIMEOUT_MS,
  connectToDevice,
  type DeviceConnectInit,
  type DeviceConnection,
} from './connect-device.js';
export { DEFAULT_DIRECT_PORT, describeCard, relayUrl } from './device-card.js';
export {
  AmbiguousDeviceError,
  ChoiceEntryError,
  CorruptCliFileError,
  DeviceNotAnsweringError,
  DeviceNotFoundError,
  NoReceiverError,
  NotPairedYetError,
  PairingCardUsedError,
  PeerNotFoundError,
  PinEntryError,
  SameIdentityError,
  SendPathError,
  UnrecognisedPasteError,
  UsageError,
  WebPageNotBuiltError,
} from './errors.js';
export { ICE_FILE_VERSION, loadOrCreateIce, parseIceFile } from './ice-file.js';
export type { CliIo } from './io.js';
export { cardPayloadText, decodePasted, type PastedPayload } from './payload.js';
export { printable } from './printable.js';
export { QUIET_ZONE_MODULES, renderTerminalQr, TERMINAL_QR_ERROR_CORRECTION } from './qr.js';
export { overview, runCli, USAGE_EXIT_CODE } from './run.js';
export { type DeviceState, loadDeviceState } from './state.js';
export { filesPageDir } from './web-page.js';
