/**
 * The sender's view of a DECLINE: one `TransferDeclinedError` whose message reads as a sentence
 * whether or not the receiver gave a text ("the receiver declined the offer (no-space): …").
 */
import { TransferDeclinedError } from '../errors.js';
import type { DeclineReason } from './frames.js';

/** The error a sender rejects with when the receiver declined for `reason`, with its optional `text`. */
export function declinedByReceiver(reason: DeclineReason, text: string): TransferDeclinedError {
  const why = reason === 'declined' ? '' : ` (${reason})`;
  return new TransferDeclinedError(`the receiver declined the offer${why}${text ? `: ${text}` : ''}`, reason);
}
