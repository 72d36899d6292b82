/** Where a media source's pictures and sound come from, and the default choice. */
import { existsSync } from 'node:fs';

/** A camera (V4L2 device, optional ALSA audio device), a file (looped by default) or a generated test pattern with a tone. */
export type MediaInput =
  | { kind: 'test-pattern' }
  | { kind: 'camera'; device: string; audioDevice?: string }
  | { kind: 'file'; path: string; loop?: boolean };

/** `/dev/video0` as a camera when it exists, else the test pattern (a machine with no camera still streams). */
export function defaultMediaInput(): MediaInput {
  return existsSync('/dev/video0') ? { kind: 'camera', device: '/dev/video0' } : { kind: 'test-pattern' };
}
