/** Where things are on the host's origins (the page and the host process agree on these). */

/** The relay's WebSocket path on the page's origin. */
export const RELAY_PATH = '/relay';
/** The URL fragment key of the invite: `http://<lan-ip>:8080/#join=<invite text>`. */
export const JOIN_PARAM = 'join';
/** The host screen's local API (127.0.0.1 only). */
export const API = {
  status: '/api/status',
  view: '/api/view',
  start: '/api/start',
  qr: '/api/qr.svg',
} as const;
