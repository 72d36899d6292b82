/**
 * A files host's room: the room `files` hosted on an agent logged into its relay (every page joins
 * it with the invite in its link, which pairs the page with this host, and its member list is each
 * page's list of receivers), the members' transfer connections handed to the caller to receive on,
 * and `sendTo` a member by name (or `sendToMember` by id). Shared by `lanrtc receive --web`,
 * `lanrtc send --web` and examples/file-drop.
 */
import { type FileTransfer, type HostRoom, RoomMemberUnknownError } from '@lanrtc/signal-core';
import { FILES_CHANNEL_LABEL, FILES_ROOM_NAME } from '@lanrtc/signal-core/transfer';
import type { NodeConnection } from '../direct/connection.js';
import type { NodeAgent } from '../node-agent.js';
import type { DtlsCertificate } from '../peer/certificate.js';
import { hostRoom } from '../room/rooms.js';
import { sendFiles } from './send-files.js';

/** Options of `hostFilesRoom`. */
export interface FilesRoomInit {
  /** This host's name on the pages, 1–32 characters. */
  readonly name: string;
  /** The agent's DTLS certificate (sending needs it). */
  readonly certificate: DtlsCertificate;
  /** Most members, this host included (default 32). */
  readonly maxMembers?: number;
  /**
   * A connection on which a member (`from`: its room name) opened the transfer channel to send
   * here: receive on it (`receiveFiles`) or close it.
   */
  readonly onSender: (connection: NodeConnection, from: string) => void;
}

/** A transfer this host started to a member. */
export interface FilesRoomSend {
  /** The member's name. */
  readonly peer: string;
  readonly transfer: FileTransfer;
}

/** The running files room. */
export interface FilesRoom {
  readonly room: HostRoom;
  /** A member's name, or the start of `id` when it is not in the room. */
  nameOf(id: string): string;
  /** Send `paths` to the member called `name` over a connection of its own (`RoomMemberUnknownError` when no member has that name). */
  sendTo(name: string, paths: readonly string[]): Promise<FilesRoomSend>;
  /**
   * Send `paths` to the member with identity id `id` over a connection of its own, cancelled by
   * `init.signal` (`RoomMemberUnknownError` when it is not in the room; names need not be unique).
   */
  sendToMember(
    id: string,
    paths: readonly string[],
    init?: { readonly signal?: AbortSignal },
  ): Promise<FilesRoomSend>;
  /** Close the room (members are told `reason`); the agent stays open. */
  close(reason?: string): Promise<void>;
}

/** Host the room `files` on `agent`, which must be logged into the relay the pages use. */
export async function hostFilesRoom(agent: NodeAgent, init: FilesRoomInit): Promise<FilesRoom> {
  const room = await hostRoom(agent, {
    room: FILES_ROOM_NAME,
    name: init.name,
    maxMembers: init.maxMembers ?? 32,
  });
  const nameOf = (id: string) => room.members().find((m) => m.id === id)?.name ?? id.slice(0, 12);
  // A page that sends opens the transfer channel on a connection of its own over the relay; the
  // room's connections never do, so waiting for the channel tells the two apart. Direct connections
  // (`lanrtc send`) are the caller's: they never come from the room.
  const stopListening = agent.onConnection((connection) => {
    if (connection.path !== 'relay') return;
    connection.peer.channel(FILES_CHANNEL_LABEL).then(
      () => init.onSender(connection, nameOf(connection.remote.id)),
      () => undefined, // a room member's connection, or it closed first
    );
  });
  const sendToMember: FilesRoom['sendToMember'] = async (id, paths, options = {}) => {
    const member = room.members().find((m) => m.id === id && m.id !== agent.id);
    if (!member) throw new RoomMemberUnknownError(`no member with id ${id} is in the room`);
    const connection = await agent.connect(member.id);
    const transfer = sendFiles(connection, paths, {
      certificate: init.certificate,
      lanes: ['datachannel'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    void transfer.done.finally(() => connection.close()).catch(() => undefined);
    return { peer: member.name, transfer };
  };
  return {
    room,
    nameOf,
    async sendTo(name, paths) {
      const member = room.members().find((m) => m.name === name && m.id !== agent.id);
      if (!member)
        throw new RoomMemberUnknownError(`no member called ${JSON.stringify(name)} is in the room`);
      return sendToMember(member.id, paths);
    },
    sendToMember,
    async close(reason = 'the files host stopped') {
      stopListening();
      await room.close(reason);
    },
  };
}
