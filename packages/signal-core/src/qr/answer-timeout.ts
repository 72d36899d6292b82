/**
 * Default time from a QR answer being shown to the auth channel being open, on the answering side in
 * any runtime: a person still has to point the offering page's camera at it, or paste it there.
 */
export const QR_ANSWER_TIMEOUT_MS = 60_000;
