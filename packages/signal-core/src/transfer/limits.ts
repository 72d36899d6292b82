/**
 * The file-transfer protocol's version, limits and defaults (docs/PROTOCOL.md, "File transfer").
 * Every limit is checked by the decoders, so a hostile peer can neither make the receiver allocate
 * past them nor write outside its target directory.
 */

/** Version byte of the transfer wire format this build speaks. */
export const TRANSFER_WIRE_VERSION = 1;

/** Label of the reliable, ordered DataChannel the sender opens for a transfer. */
export const FILES_CHANNEL_LABEL = 'lanrtc-files';

/** Most files in one transfer. */
export const MAX_FILES = 100_000;

/** Longest relative path, in UTF-8 bytes. */
export const MAX_PATH_BYTES = 4096;

/** Longest path segment (one file or directory name), in UTF-8 bytes: every common file system's limit. */
export const MAX_SEGMENT_BYTES = 255;

/** Smallest chunk size (the unit of hashing, acknowledgement and resume). */
export const MIN_CHUNK_SIZE = 64 * 1024;

/** Largest chunk size. */
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;

/** Chunk size used when the caller does not choose one. */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;

/**
 * Most chunks in one transfer (all files together): bounds the manifest's hashes to 64 MiB, and
 * still allows 2 TiB at 1 MiB chunks or 32 TiB at 16 MiB chunks.
 */
export const MAX_TOTAL_CHUNKS = 2 ** 21;

/** Largest encoded manifest or ACCEPT payload (sent in pieces over several frames). */
export const MAX_PAYLOAD_BYTES = 80 * 1024 * 1024;

/** Default bound on chunk bytes sent and not yet acknowledged (the receiver's memory bound). */
export const DEFAULT_WINDOW_BYTES = 16 * 1024 * 1024;

/** Default time without any frame from the peer before a transfer fails with `TransferStalledError`. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** Longest DECLINE / ABORT text, in UTF-8 bytes. */
export const MAX_REASON_TEXT_BYTES = 256;

/** Longest ABORT reason code, in bytes. */
export const MAX_REASON_CODE_BYTES = 64;

/** The TLS lane's one-time token, in bytes. */
export const LANE_TOKEN_BYTES = 32;

/** Most endpoints a LANE frame lists. */
export const MAX_LANE_ENDPOINTS = 16;

/** Most bytes a DATA frame's header takes (version, type and three varuints), so a piece is `maxFrameBytes` minus this. */
export const DATA_HEADER_MAX_BYTES = 16;

/** SHA-256 digest length. */
export const HASH_BYTES = 32;
