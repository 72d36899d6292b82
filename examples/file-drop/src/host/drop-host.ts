/**
 * Everything `pnpm --filter file-drop start` runs, wired together: the page and relay on the LAN
 * address, a Node agent logged into that relay hosting the room `files` (its member list is every
 * page's list of receivers, and joining it with the link's secret pairs a page with this host), the
 * Node receiver (`receiveFiles` into `dir` for every connection that opens the transfer channel),
 * `sendTo` for the terminal's `send`, and the mDNS announcement (device type `files`).
 */
import {
  createNodeAgent,
  type HostRoom,
  hostRoom,
  loadOrCreateNodeIdentity,
  type NodeAgent,
  type NodeConnection,
  receiveFiles,
  sendFiles,
} from '@lanrtc/node-agent';
import type { ListeningRelay } from '@lanrtc/relay';
import type { FileTransfer, Logger, TransferOffer } from '@lanrtc/signal-core';
import { FILES_CHANNEL_LABEL } from '@lanrtc/signal-core/transfer';
import { FILES_DEVICE_TYPE, JOIN_PARAM, RELAY_PATH, ROOM_NAME } from '../shared/paths.js';
import { announceHost } from './announce.js';
import { FileDropUsageError } from './errors.js';
import { startWebServer } from './web-server.js';

/** Options of `startDropHost`. */
export interface DropHostInit {
  readonly name: string;
  readonly dir: string;
  readonly address: string;
  readonly port: number;
  readonly config: string;
  readonly pageDir: string;
  readonly announce: boolean;
  /** Accept or decline an offer (the terminal asks, or `--yes`). */
  readonly decide: (offer: TransferOffer, fromName: string) => boolean | Promise<boolean>;
  readonly logger?: Logger;
}

/** One transfer the host takes part in, for the terminal. */
export interface HostTransfer {
  readonly direction: 'in' | 'out';
  /** The other side's name in the room (its id when it is not in the room). */
  readonly peer: string;
  readonly transfer: FileTransfer;
}

/** The running host. */
export interface DropHost {
  /** The page's link with the room invite in its fragment. */
  readonly url: string;
  readonly agent: NodeAgent;
  readonly room: HostRoom;
  /** Every transfer as it starts. */
  onTransfer(listener: (t: HostTransfer) => void): void;
  /** Send `paths` to the member called `name` (`FileDropUsageError` when no member has that name). */
  sendTo(name: string, paths: readonly string[]): Promise<HostTransfer>;
  /** Close everything. */
  stop(): Promise<void>;
}

/** Start the host. */
export async function startDropHost(init: DropHostInit): Promise<DropHost> {
  const cleanup: (() => unknown)[] = [];
  const closeAll = async () => {
    for (const c of cleanup.splice(0).reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  const transferListeners = new Set<(t: HostTransfer) => void>();
  const started = (t: HostTransfer) => {
    for (const l of transferListeners) l(t);
    return t;
  };
  try {
    const web: ListeningRelay = await startWebServer({
      address: init.address,
      port: init.port,
      pageDir: init.pageDir,
      ...(init.logger ? { logger: init.logger } : {}),
    });
    cleanup.push(() => web.close({ reason: 'the file-drop host stopped' }));
    const { identity, certificate } = await loadOrCreateNodeIdentity({ dir: init.config });
    const agent = await createNodeAgent({
      config: init.config,
      identity,
      certificate,
      relay: `ws://${init.address}:${web.address.port}${RELAY_PATH}`,
      ...(init.logger ? { logger: init.logger } : {}),
    });
    cleanup.push(() => agent.close());
    const room = await hostRoom(agent, { room: ROOM_NAME, name: init.name, maxMembers: 32 });
    cleanup.push(() => room.close('the file-drop host stopped'));
    const nameOf = (id: string) => room.members().find((m) => m.id === id)?.name ?? id.slice(0, 12);

    // A page that sends opens the transfer channel on a connection of its own; the room's
    // connections never do, so waiting for the channel tells the two apart.
    const stopListening = agent.onConnection((connection: NodeConnection) => {
      connection.peer.channel(FILES_CHANNEL_LABEL).then(
        () => {
          const transfer = receiveFiles(connection, {
            dir: init.dir,
            certificate,
            lanes: ['datachannel'],
            decide: (offer) => init.decide(offer, nameOf(connection.remote.id)),
          });
          // The sender closes the connection once it has this side's last frame; close it here only
          // if it does not, so a DECLINE or COMPLETE still queued is not cut off.
          void transfer.done.catch(() => undefined).then(() => closeWhenIdle(connection));
          started({ direction: 'in', peer: nameOf(connection.remote.id), transfer });
        },
        () => undefined, // not a transfer connection (a room member's), or it closed first
      );
    });
    cleanup.push(stopListening);

    if (init.announce) {
      const ad = await announceHost(agent, {
        name: init.name,
        address: init.address,
        deviceType: FILES_DEVICE_TYPE,
        ...(init.logger ? { logger: init.logger } : {}),
      });
      cleanup.push(() => ad.close());
    }
    return {
      url: `http://${init.address}:${web.address.port}/#${JOIN_PARAM}=${room.inviteText}`,
      agent,
      room,
      onTransfer: (l) => transferListeners.add(l),
      async sendTo(name, paths) {
        const member = room.members().find((m) => m.name === name && m.id !== agent.id);
        if (!member)
          throw new FileDropUsageError(`no page called ${JSON.stringify(name)} is here (type "list")`);
        const connection = await agent.connect(member.id);
        const transfer = sendFiles(connection, paths, { certificate, lanes: ['datachannel'] });
        void transfer.done.finally(() => connection.close()).catch(() => undefined);
        return started({ direction: 'out', peer: member.name, transfer });
      },
      stop: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** How long a receiver waits for the sender to close a finished transfer's connection. */
const SENDER_CLOSES_MS = 5_000;

async function closeWhenIdle(connection: NodeConnection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    connection.ended,
    new Promise((resolve) => (timer = setTimeout(resolve, SENDER_CLOSES_MS))),
  ]);
  clearTimeout(timer);
  await connection.close();
}
