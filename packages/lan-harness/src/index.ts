/**
 * @lanrtc/lan-harness: a throw-away virtual LAN of N hosts made of Linux network namespaces, for
 * lanrtc's LAN tests (mDNS between hosts, avahi interop, browsers and werift agents in hosts).
 */

export { type LanAvailability, lanAvailability } from './availability.js';
export {
  InvalidLanOptionsError,
  LanClosedError,
  LanHarnessError,
  LanSetupError,
  LanUnavailableError,
} from './errors.js';
export type { LanExecOptions, LanExecResult, LanHost, LanSpawnOptions } from './host.js';
export { droppedUdp, dropUdp, type UdpLossOptions } from './impair.js';
export {
  createLan,
  type Lan,
  type LanHostInit,
  type LanOptions,
  withLan,
} from './lan.js';
export { NETNS_PREFIX, type ParsedNetnsName, parseNetnsName } from './naming.js';
export { cleanStaleLans, type LanNetnsInfo, listLanNetns } from './stale.js';
export { openLanCount } from './teardown.js';
