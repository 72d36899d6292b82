/** Whether this machine can build a namespace LAN (root, Linux, iproute2), checked without side effects. */
import { findTool } from './ip.js';

/** Whether this machine can build a namespace LAN, and why not. */
export type LanAvailability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** What the check looks at; tests pass another uid instead of switching users. */
export interface LanAvailabilityProbe {
  readonly uid?: number | undefined;
}

/** Checks for root and for `ip`/`unshare` (without root, no namespace can be created). */
export function lanAvailability(probe: LanAvailabilityProbe = {}): LanAvailability {
  if (process.platform !== 'linux') return { ok: false, reason: 'network namespaces need Linux' };
  const uid = probe.uid ?? (typeof process.getuid === 'function' ? process.getuid() : undefined);
  if (uid !== 0) {
    return { ok: false, reason: 'network namespaces need root (process.getuid() !== 0)' };
  }
  for (const tool of ['ip', 'unshare']) {
    if (findTool(tool) === undefined)
      return { ok: false, reason: `\`${tool}\` not found (install iproute2/util-linux)` };
  }
  return { ok: true };
}
