/** `lanrtc id`: create (first run) or show this machine's identity and certificate fingerprint. */
import { formatSdpFingerprint } from '@lanrtc/signal-core/codec';
import { booleanValue, stringValue } from '../args.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { writeLine } from '../io.js';
import { loadDeviceState } from '../state.js';

/** The `id` subcommand. */
export const idCommand: Command = {
  name: 'id',
  summary: "create or show this machine's identity id and certificate fingerprint",
  usage: `usage: lanrtc id [options]

Creates the identity and DTLS certificate on first use (0600 file in the config directory) and
prints the identity id, the certificate fingerprint and the file.

options:
  --json           one JSON object: id, fingerprint, file, created
${COMMON_USAGE}`,
  options: { json: { type: 'boolean' } },
  async run(parsed, io) {
    const state = await loadDeviceState(stringValue(parsed, 'config'), io.env);
    if (booleanValue(parsed, 'json', false)) {
      writeLine(
        io.stdout,
        JSON.stringify({
          id: state.identity.id,
          fingerprint: formatSdpFingerprint(state.fingerprint),
          file: state.identityFile,
          created: state.created,
        }),
      );
      return 0;
    }
    writeLine(io.stdout, `id: ${state.identity.id}`);
    writeLine(io.stdout, `fingerprint: ${formatSdpFingerprint(state.fingerprint)}`);
    writeLine(io.stdout, `file: ${state.identityFile}${state.created ? ' (created)' : ''}`);
    return 0;
  },
};
