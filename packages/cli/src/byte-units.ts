/** Sizes, rates and durations as the transfer commands print them (SI units: 1 MB = 10^6 bytes). */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** `1.5 MB`, `812 B`: one decimal from kB on. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `12.3 MB/s` from bytes per second. */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** `0:07`, `12:03`, `1:02:03`; `-:--` when unknown. */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '-:--';
  const total = Math.ceil(ms / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** MB/s (10^6 bytes per second) of `bytes` moved in `ms`, one decimal; 0 when nothing was timed. */
export function megabytesPerSecond(bytes: number, ms: number): string {
  return (ms > 0 ? bytes / 1000 / ms : 0).toFixed(1);
}
