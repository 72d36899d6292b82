/**
 * `lanrtc peers`: the trust store (`trust.json`) as a person manages it — list who is paired and what
 * each may reach, rename one, grant or withdraw a permission, revoke one. Revoking deletes the record: every authentication path (direct connect, relay
 * offers, a QR offer without a secret) accepts only identities in the store, so a revoked peer is
 * refused everywhere from then on and gets back only by pairing anew (a new pairing card, PIN or
 * comparison — each a user's act on this device).
 */
import type { KnownPeer } from '@lanrtc/signal-core';
import { revokeGrant, setGrant } from '@lanrtc/signal-core';
import { formatSdpFingerprint } from '@lanrtc/signal-core/codec';
import { MAX_CARD_NAME_BYTES } from '@lanrtc/signal-core/protocol';
import { booleanValue, type ParsedCommand, stringValue } from '../args.js';
import { COMMON_USAGE, type Command } from '../command.js';
import { PeerNotFoundError, UsageError } from '../errors.js';
import { type CliIo, writeLine } from '../io.js';
import { printable } from '../printable.js';
import { loadDeviceState } from '../state.js';
import { openTrust } from '../trust.js';
import { checkGrantPaths, checkServiceName } from './grant-values.js';

/** Most actions one grant holds (the trust file's limit). */
const MAX_GRANT_ACTIONS = 64;

/** The `peers` subcommand. */
export const peersCommand: Command = {
  name: 'peers',
  summary: 'list paired peers; rename one, grant or withdraw what it may reach, revoke one',
  usage: `usage: lanrtc peers [--json]
       lanrtc peers rename ID NAME
       lanrtc peers grant ID http:SERVICE PATH...
       lanrtc peers revoke-grant ID SCOPE
       lanrtc peers revoke ID

Lists the peers this identity trusts (trust.json in the config directory): id, name, device types,
when paired, when last seen, grants. "rename" changes the name shown here. "grant" lets the peer
reach the path prefixes PATH... (/ for all; /api covers /api and /api/…, not /apix) of the web
service SERVICE that \`lanrtc expose --service SERVICE\` offers (replacing its earlier grant of that
scope), from its next request on; "revoke-grant" withdraws the grant of SCOPE. "revoke" removes the peer: from
its next connection on it is refused on every path (direct, relay, QR offer), and it comes back only
by pairing anew.

options:
  --json           one JSON array of the peers (list only)
${COMMON_USAGE}`,
  options: { json: { type: 'boolean' } },
  maxPositionals: 3 + MAX_GRANT_ACTIONS,
  async run(parsed, io) {
    const [action, id, name] = parsed.positionals;
    if (action === undefined) return list(parsed, io);
    if (action === 'grant') return grant(parsed, io);
    if (action === 'revoke-grant') {
      if (id === undefined || name === undefined || parsed.positionals.length > 3)
        throw new UsageError('revoke-grant takes ID and SCOPE', 'peers');
      const trust = await openTrust(await configDir(parsed, io));
      const peer = await trust.get(id);
      if (!peer) throw notFound(id);
      if (!peer.grants.some((g) => g.scope === name)) {
        writeLine(io.stdout, `${id} has no ${printable(name)} grant: nothing changed`);
        return 0;
      }
      await revokeGrant(trust, id, name);
      writeLine(io.stdout, `withdrew ${printable(name)} from ${id}`);
      return 0;
    }
    if (action === 'rename') {
      if (id === undefined || name === undefined || parsed.positionals.length > 3)
        throw new UsageError('rename needs ID and NAME', 'peers');
      if (Buffer.byteLength(name) > MAX_CARD_NAME_BYTES || /[\p{Cc}\p{Cf}]/u.test(name) || name.trim() === '')
        throw new UsageError(
          `NAME must be 1–${MAX_CARD_NAME_BYTES} bytes without control characters (got "${printable(name)}")`,
          'peers',
        );
      const trust = await openTrust(await configDir(parsed, io));
      const stored = await trust.update(id, (peer) => (peer ? { ...peer, name } : undefined));
      if (!stored) throw notFound(id);
      writeLine(io.stdout, `renamed ${id} to "${printable(name)}"`);
      return 0;
    }
    if (action === 'revoke') {
      if (id === undefined || name !== undefined || parsed.positionals.length > 2)
        throw new UsageError('revoke takes exactly one ID', 'peers');
      const trust = await openTrust(await configDir(parsed, io));
      const peer = await trust.get(id);
      if (!(await trust.delete(id))) throw notFound(id);
      writeLine(
        io.stdout,
        `revoked ${id}${peer?.name ? ` ("${printable(peer.name)}")` : ''}: refused from now on; pair anew to trust it again`,
      );
      return 0;
    }
    throw new UsageError(
      `unknown action "${printable(action)}" (rename, grant, revoke-grant or revoke)`,
      'peers',
    );
  },
};

/** `peers grant ID http:SERVICE PATH...`: set the peer's grant of that scope. */
async function grant(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const [, id, scope, ...paths] = parsed.positionals;
  if (id === undefined || scope === undefined || paths.length === 0)
    throw new UsageError('grant takes ID, SCOPE (http:SERVICE) and at least one PATH', 'peers');
  if (!scope.startsWith('http:'))
    throw new UsageError(`SCOPE must be http:SERVICE (got "${printable(scope)}")`, 'peers');
  checkServiceName(scope.slice('http:'.length), 'peers');
  const actions = checkGrantPaths(paths, 'peers');
  const trust = await openTrust(await configDir(parsed, io));
  if (!(await trust.get(id))) throw notFound(id);
  await setGrant(trust, id, { scope, actions });
  writeLine(io.stdout, `granted ${id} ${scope} ${actions.join(' ')}`);
  return 0;
}

async function configDir(parsed: ParsedCommand, io: CliIo): Promise<string> {
  return (await loadDeviceState(stringValue(parsed, 'config'), io.env)).dir;
}

function notFound(id: string): PeerNotFoundError {
  return new PeerNotFoundError(`no peer ${printable(id)} in the trust store (\`lanrtc peers\` lists them)`);
}

async function list(parsed: ParsedCommand, io: CliIo): Promise<number> {
  const trust = await openTrust(await configDir(parsed, io));
  const peers = [...(await trust.list())].sort(
    (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
  );
  if (booleanValue(parsed, 'json', false)) {
    writeLine(io.stdout, JSON.stringify(peers.map(peerJson)));
    return 0;
  }
  if (peers.length === 0) {
    writeLine(
      io.stdout,
      'no peers yet (pair with `lanrtc connect NAME --pin PIN` or `lanrtc paste` a pairing card)',
    );
    return 0;
  }
  for (const p of peers) {
    const when = p.pairedAt !== undefined ? `paired ${iso(p.pairedAt)}` : 'not paired';
    const flags = p.flags.length > 0 ? `  flags: ${p.flags.map((f) => f.kind).join(', ')}` : '';
    const grants =
      p.grants.length > 0
        ? `  grants: ${p.grants.map((g) => `${printable(g.scope)} ${g.actions.map(printable).join(',')}`).join('; ')}`
        : '';
    writeLine(
      io.stdout,
      `${p.id}  "${printable(p.name)}"  ${p.deviceTypes.join(',') || '-'}  ${when}  last seen ${iso(p.lastSeen)}${flags}${grants}`,
    );
  }
  return 0;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function peerJson(p: KnownPeer) {
  return {
    id: p.id,
    name: p.name,
    deviceTypes: p.deviceTypes,
    paired: p.pairedAt !== undefined,
    ...(p.pairedAt !== undefined ? { pairedAt: iso(p.pairedAt) } : {}),
    firstSeen: iso(p.firstSeen),
    lastSeen: iso(p.lastSeen),
    fingerprints: p.fingerprints.map((f) => formatSdpFingerprint(f.fingerprint)),
    flags: p.flags.map((f) => f.kind),
    grants: p.grants.map((g) => ({ scope: g.scope, actions: [...g.actions] })),
    ...(p.lastAddress ? { lastAddress: p.lastAddress.address } : {}),
  };
}
