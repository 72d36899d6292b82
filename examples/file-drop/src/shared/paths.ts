/** Where things are on the host's origin (the page and the host process agree on these). */

/** The relay's WebSocket path on the page's origin. */
export const RELAY_PATH = '/relay';
/** The URL fragment key of the room invite: `http://<lan-ip>:8090/#join=<invite text>`. */
export const JOIN_PARAM = 'join';
/** The room every page and the host join: its member list is the list of receivers. */
export const ROOM_NAME = 'files';
/** The mDNS device type the host announces (DNS-SD subtype `_files._sub._lanrtc._udp`). */
export const FILES_DEVICE_TYPE = 'files';
