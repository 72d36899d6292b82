/**
 * Everything `pnpm --filter file-drop start` runs, wired together: the page and relay on the LAN
 * address, a Node agent logged into that relay hosting the files room (node-agent `hostFilesRoom`:
 * its member list is every page's list of receivers, `sendTo` for the terminal's `send`), the Node
 * receiver (`receiveFiles` into `dir` for every member that sends), and the mDNS announcement
 * (device type `files`).
 */
import { announceListener } from '@lanrtc/mdns-announcer';
import {
  createNodeAgent,
  type FilesRoom,
  hostFilesRoom,
  loadOrCreateNodeIdentity,
  type NodeAgent,
  type NodeConnection,
  receiveFiles,
} from '@lanrtc/node-agent';
import type { ListeningRelay } from '@lanrtc/relay';
import type { FileTransfer, HostRoom, Logger, TransferOffer } from '@lanrtc/signal-core';
import { FILES_DEVICE_TYPE, FILES_RELAY_PATH, filesPageUrl } from '@lanrtc/signal-core/transfer';
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
  /** Send `paths` to the member called `name` (`RoomMemberUnknownError` when no member has that name). */
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
      relay: `ws://${init.address}:${web.address.port}${FILES_RELAY_PATH}`,
      ...(init.logger ? { logger: init.logger } : {}),
    });
    cleanup.push(() => agent.close());
    const files: FilesRoom = await hostFilesRoom(agent, {
      name: init.name,
      certificate,
      onSender(connection, from) {
        const transfer = receiveFiles(connection, {
          dir: init.dir,
          certificate,
          lanes: ['datachannel'],
          decide: (offer) => init.decide(offer, from),
        });
        // The sender closes the connection once it has this side's last frame; close it here only
        // if it does not, so a DECLINE or COMPLETE still queued is not cut off.
        void transfer.done.catch(() => undefined).then(() => closeWhenIdle(connection));
        started({ direction: 'in', peer: from, transfer });
      },
    });
    cleanup.push(() => files.close('the file-drop host stopped'));

    if (init.announce) {
      // The card comes from a direct listener (it is what signs the card's address and certificate);
      // pages reach the host over its relay.
      const listener = await agent.listenDirect({
        name: init.name,
        deviceTypes: [FILES_DEVICE_TYPE],
        addresses: [init.address],
        port: 0,
      });
      cleanup.push(() => listener.close());
      const ad = await announceListener(listener, {
        interfaces: [init.address],
        ...(init.logger ? { logger: init.logger } : {}),
      });
      cleanup.push(() => ad.close());
    }
    return {
      url: filesPageUrl(`http://${init.address}:${web.address.port}`, files.room.inviteText),
      agent,
      room: files.room,
      onTransfer: (l) => transferListeners.add(l),
      async sendTo(name, paths) {
        const { peer, transfer } = await files.sendTo(name, paths);
        return started({ direction: 'out', peer, transfer });
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
