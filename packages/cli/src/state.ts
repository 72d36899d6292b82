/**
 * This machine as the CLI sees it: the config directory, the persisted identity and DTLS
 * certificate (node-agent's `identity.json`, both in one 0600 file), and the card's ICE credentials.
 */
import {
  certificateFingerprint,
  type DtlsCertificate,
  defaultConfigDir,
  loadOrCreateNodeIdentity,
} from '@lanrtc/node-agent';
import type { CardIce, Identity } from '@lanrtc/signal-core';
import { loadOrCreateIce } from './ice-file.js';

/** The persisted state every device subcommand starts from. */
export interface DeviceState {
  readonly dir: string;
  readonly identity: Identity;
  readonly certificate: DtlsCertificate;
  /** Raw SHA-256 of the certificate (what cards and SDP carry). */
  readonly fingerprint: Uint8Array;
  readonly ice: CardIce;
  /** The identity file. */
  readonly identityFile: string;
  /** True when this run created the identity. */
  readonly created: boolean;
}

/** Load (or create on first use) the identity, certificate and ICE credentials in `dir` (default: XDG config dir). */
export async function loadDeviceState(dir: string | undefined, env: NodeJS.ProcessEnv): Promise<DeviceState> {
  const configDir = dir ?? defaultConfigDir(env);
  const node = await loadOrCreateNodeIdentity({ dir: configDir });
  const ice = await loadOrCreateIce(configDir);
  return {
    dir: configDir,
    identity: node.identity,
    certificate: node.certificate,
    fingerprint: certificateFingerprint(node.certificate),
    ice,
    identityFile: node.file,
    created: node.created,
  };
}
