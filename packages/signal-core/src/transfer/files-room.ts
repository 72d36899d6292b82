/**
 * Where a files host and the pages it serves meet: the host serves a page and the relay on one
 * origin, hosts a room every page joins with the invite in the page link's fragment, and announces
 * itself over mDNS with a device type. Any host (`lanrtc receive --web`, examples/file-drop) and any
 * page that agree on these names work together.
 */

/** The room every page and the host join: its member list is each page's list of receivers. */
export const FILES_ROOM_NAME = 'files';

/** The relay's WebSocket path on the page's origin. */
export const FILES_RELAY_PATH = '/relay';

/** The URL fragment key of the room invite: `http://<lan-ip>:<port>/#join=<invite text>`. */
export const FILES_JOIN_PARAM = 'join';

/** The mDNS device type a files receiver announces (DNS-SD subtype `_files._sub._lanrtc._udp`). */
export const FILES_DEVICE_TYPE = 'files';

/** The page link for a host whose origin is `origin` (`http://<ip>:<port>`) and whose room invite is `inviteText`. */
export function filesPageUrl(origin: string, inviteText: string): string {
  return `${origin}/#${FILES_JOIN_PARAM}=${inviteText}`;
}
