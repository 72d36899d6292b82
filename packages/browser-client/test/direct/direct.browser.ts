/**
 * Browser entry for card-offer.test.ts: the package and signal-core on `globalThis.lanrtc`, so the
 * Node test can drive them in Chromium through `page.evaluate`.
 */
import * as core from '@lanrtc/signal-core';
import * as protocol from '@lanrtc/signal-core/protocol';
import * as testing from '@lanrtc/signal-core/testing';
import * as client from '../../src/index.js';

(globalThis as { lanrtc?: unknown }).lanrtc = { ...core, ...protocol, ...testing, ...client };
