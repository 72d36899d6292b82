/**
 * Cuts a byte stream of back-to-back JPEG images (ffmpeg's `image2pipe` of `mjpeg`) into whole images.
 * Segments are skipped by their length fields and entropy-coded data is scanned for the next marker,
 * so an FF D9 inside a table or a stuffed FF 00 never ends an image early (ITU-T T.81 §B.1.1.2, §F.1.2.3).
 */

/** Images larger than this are not snapshots: the stream is treated as corrupt and dropped. */
const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/** Feed chunks with `push`; it returns every image completed by that chunk, each from FFD8 to FFD9. */
export class JpegSplitter {
  private buf: Buffer = Buffer.alloc(0);

  /** Append `chunk` and return the whole images it completed (in order). */
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const start = this.buf.indexOf(Buffer.from([0xff, SOI]));
      if (start < 0) {
        // Keep a trailing FF: it may be the first half of the next SOI.
        this.buf = this.buf.at(-1) === 0xff ? this.buf.subarray(-1) : Buffer.alloc(0);
        return out;
      }
      if (start > 0) this.buf = this.buf.subarray(start);
      const end = imageEnd(this.buf);
      if (end === undefined) {
        if (this.buf.length > MAX_IMAGE_BYTES) this.buf = this.buf.subarray(2);
        return out;
      }
      // A broken image is dropped; the search resumes after its SOI.
      if (end !== INVALID) out.push(Buffer.from(this.buf.subarray(0, end)));
      this.buf = this.buf.subarray(end === INVALID ? 2 : end);
    }
  }
}

/** `imageEnd` of bytes that cannot be a JPEG. */
const INVALID = -1;

/** The length of the image that starts at `b[0]` (an SOI), undefined while incomplete, or INVALID. */
function imageEnd(b: Buffer): number | undefined {
  let i = 2;
  let entropy = false;
  while (i + 1 < b.length) {
    if (entropy) {
      // In scan data FF is followed by 00 (stuffing) or D0–D7 (restart markers); anything else is a marker.
      if (b[i] !== 0xff) {
        i++;
        continue;
      }
      const next = b[i + 1] as number;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
        i += next === 0xff ? 1 : 2;
        continue;
      }
      entropy = false;
    }
    if (b[i] !== 0xff) return INVALID;
    const marker = b[i + 1] as number;
    if (marker === 0xff) {
      i++; // fill byte before a marker (T.81 §B.1.1.2)
      continue;
    }
    if (marker === EOI) return i + 2;
    if (marker === SOI || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    if (i + 3 >= b.length) return undefined;
    const len = b.readUInt16BE(i + 2);
    if (len < 2) return INVALID;
    i += 2 + len;
    if (marker === SOS) entropy = true;
  }
  return undefined;
}
