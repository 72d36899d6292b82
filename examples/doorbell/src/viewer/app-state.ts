/** The little app-wide state the flows share and the test hooks read. */
import type { BrowserAgent } from '@lanrtc/browser-client';

/** Which way the viewer was opened. */
export type ViewerMode = 'starting' | 'device-served' | 'direct';

/** App-wide state. */
export const app: {
  mode: ViewerMode;
  agent: BrowserAgent | undefined;
  lastError: unknown;
  /** Direct mode: show the add-a-doorbell form. */
  showAdd: (() => void) | undefined;
} = { mode: 'starting', agent: undefined, lastError: undefined, showAdd: undefined };
