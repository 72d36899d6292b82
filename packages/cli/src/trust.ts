/** The CLI's trust store: node-agent's file store (`trust.json`) in the config directory. */
import { createFileTrustStore, type FileTrustStore } from '@lanrtc/node-agent';

/** Open the trust store of config directory `dir`. */
export function openTrust(dir: string): Promise<FileTrustStore> {
  return createFileTrustStore({ dir });
}
