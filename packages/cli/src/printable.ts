/**
 * Text a peer controls (echoed messages, replies, names, candidates, error messages) made safe for
 * the operator's terminal: control characters become visible escapes, so a peer cannot send ANSI/OSC
 * sequences (ECMA-48 §5: colours, cursor moves, window titles, OSC 52 clipboard writes) through
 * `lanrtc listen` or `lanrtc paste`.
 */

// Every Unicode control character (\p{Cc}: C0, DEL, C1) and the bidi embedding/override/isolate
// characters (Unicode TR #9 §2), which reorder the rest of the line: the set signal-core refuses in
// card names, here made visible rather than refused.
const UNSAFE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with each control or bidi-override character written as `\x1b` (≤ U+00FF) or `\u{202e}`. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.codePointAt(0) as number;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
