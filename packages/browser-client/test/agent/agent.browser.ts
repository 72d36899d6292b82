/**
 * Browser entry for agent.test.ts: the package plus signal-core's in-memory network, on
 * `globalThis.lanrtc`, so the Node test can drive them in Chromium through `page.evaluate`.
 */
import { createIdentity, createMemoryTrustStore, exportIdentity } from '@lanrtc/signal-core';
import { createMemoryNetwork } from '@lanrtc/signal-core/testing';
import * as client from '../../src/index.js';

(globalThis as { lanrtc?: unknown }).lanrtc = {
  ...client,
  createMemoryNetwork,
  createMemoryTrustStore,
  exportIdentity,
  createIdentity,
};
