/**
 * Room names, display names and the limits every room member applies: one place, so the invite
 * codec, the wire codec and the API refuse the same things.
 */
import { InvalidArgumentError } from '../errors.js';

/** A room name: 1–32 characters of `[a-z0-9-]` (fits a QR code, a URL and a trust-store scope as is). */
export const ROOM_NAME_PATTERN = /^[a-z0-9-]{1,32}$/;

/** Longest display name, in characters (UTF-16 code units). */
export const MAX_DISPLAY_NAME = 32;

/** Longest display name in UTF-8 bytes on the wire (4 bytes per character at most). */
export const MAX_DISPLAY_NAME_BYTES = MAX_DISPLAY_NAME * 4;

/** Identity ids are 26 characters of RFC 4648 base32 (lowercase, no padding). */
export const IDENTITY_ID_PATTERN = /^[a-z2-7]{26}$/;

/** Players per room when `maxMembers` is not given. */
export const DEFAULT_MAX_MEMBERS = 8;

/** Most players a room accepts whatever `maxMembers` says (a roster must stay one small message). */
export const MAX_MEMBERS_LIMIT = 64;

/** Length of a room secret in bytes (128 bits: not guessable, so no attempt limit is needed). */
export const ROOM_SECRET_BYTES = 16;

/** The trust-store scope a host grants to admitted members of `room`. */
export function roomScope(room: string): string {
  return `room/${room}`;
}

/** The action inside `roomScope(room)` that lets a member rejoin with nothing to type. */
export const ROOM_JOIN_ACTION = 'join';

/** True for a well-formed room name. */
export function isRoomName(room: string): boolean {
  return ROOM_NAME_PATTERN.test(room);
}

/** True for a display name of 1–32 characters with no control characters. */
export function isDisplayName(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  return name.length >= 1 && name.length <= MAX_DISPLAY_NAME && !/[\u0000-\u001f\u007f]/.test(name);
}

/** Throw `InvalidArgumentError` for a malformed room name from the caller. */
export function assertRoomName(room: string): void {
  if (typeof room !== 'string' || !isRoomName(room))
    throw new InvalidArgumentError('room name must be 1–32 characters of a-z, 0-9 and -');
}

/** Throw `InvalidArgumentError` for a malformed display name from the caller. */
export function assertDisplayName(name: string): void {
  if (typeof name !== 'string' || !isDisplayName(name))
    throw new InvalidArgumentError('display name must be 1–32 characters without control characters');
}
