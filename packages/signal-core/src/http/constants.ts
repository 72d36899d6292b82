/**
 * Version, channel label and limits of HTTP over the connection (docs/PROTOCOL.md, "HTTP over the
 * connection"). Every limit is enforced by the frame decoder or the stream engines, so a hostile
 * peer can neither make the other side buffer past them nor open unbounded streams.
 */

/** Label of the reliable, ordered DataChannel the client side opens for HTTP. */
export const HTTP_CHANNEL_LABEL = 'lanrtc-http';

/** Version byte of HELLO this build speaks. */
export const HTTP_PROTOCOL_VERSION = 1;

/** Service a client asks for when it names none. */
export const DEFAULT_HTTP_SERVICE = 'web';

/** Bytes before every frame's payload: `u8 type ‖ u32 stream`. */
export const HTTP_FRAME_HEADER_BYTES = 5;

/** Largest REQUEST or RESPONSE frame (method, path and headers together). */
export const HTTP_MAX_HEAD_BYTES = 64 * 1024;

/** Credit each stream starts with, per direction, for the other side's DATA. */
export const HTTP_INITIAL_WINDOW_BYTES = 256 * 1024;

/**
 * Most credit a stream may hold at once; a WINDOW that takes it past this is a protocol error (as a
 * flow-control window past 2^31−1 is in HTTP/2, RFC 9113 §6.9.1).
 */
export const HTTP_MAX_WINDOW_BYTES = 2 ** 31 - 1;

/** Most streams open at once on one channel; the server refuses more with RESET refused. */
export const HTTP_MAX_CONCURRENT_STREAMS = 64;

/** Longest GOAWAY detail text, in UTF-8 bytes. */
export const HTTP_MAX_DETAIL_BYTES = 1024;

/** Most headers in one REQUEST or RESPONSE. */
export const HTTP_MAX_HEADERS = 256;
