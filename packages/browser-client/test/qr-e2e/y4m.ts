/**
 * TEST-ONLY: QR images as Y4M files for Chromium's fake camera
 * (`--use-file-for-fake-video-capture=<file.y4m>`), written in Node with no ffmpeg. A Y4M file is a
 * text header `YUV4MPEG2 W<w> H<h> F<num>:<den> Ip A1:1 C420jpeg`, then per frame `FRAME\n` and the
 * planar 4:2:0 picture: Y (w×h bytes), then U and V (w/2 × h/2 each). Grey pictures need only Y;
 * U = V = 128. Odd dimensions make Chromium fall back to a 2×2 picture (docs/PLATFORM.md "Camera QR scanning"), so frames are
 * padded with white to even sizes (and at least 640×480, a size every camera path accepts).
 */

/** An 8-bit greyscale picture, row-major. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly luma: Uint8Array;
}

/** A QR module matrix (`modules[row * size + col]` = 1 for dark), drawn `scale` px per module with a white quiet zone. */
export function qrToGrey(matrix: { size: number; modules: Uint8Array }, scale = 6, margin = 4): GreyImage {
  const side = (matrix.size + 2 * margin) * scale;
  const luma = new Uint8Array(side * side).fill(255);
  for (let y = 0; y < side; y++) {
    const row = Math.floor(y / scale) - margin;
    for (let x = 0; x < side; x++) {
      const col = Math.floor(x / scale) - margin;
      const inside = row >= 0 && col >= 0 && row < matrix.size && col < matrix.size;
      if (inside && matrix.modules[row * matrix.size + col]) luma[y * side + x] = 0;
    }
  }
  return { width: side, height: side, luma };
}

/** RGBA pixels (a canvas's `getImageData`) as grey (ITU-R BT.601 luma, full range as C420jpeg expects). */
export function rgbaToGrey(rgba: ArrayLike<number>, width: number, height: number): GreyImage {
  if (rgba.length !== width * height * 4) throw new RangeError('RGBA length does not match the size');
  const luma = new Uint8Array(width * height);
  for (let i = 0; i < luma.length; i++) {
    const [r, g, b] = [rgba[i * 4] ?? 0, rgba[i * 4 + 1] ?? 0, rgba[i * 4 + 2] ?? 0];
    luma[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
  }
  return { width, height, luma };
}

/** `image` centred on a white frame of even size, at least `minWidth`×`minHeight`, with `quiet` px of white around it. */
export function padFrame(image: GreyImage, quiet = 24, minWidth = 640, minHeight = 480): GreyImage {
  const even = (n: number) => n + (n % 2);
  const width = even(Math.max(minWidth, image.width + 2 * quiet));
  const height = even(Math.max(minHeight, image.height + 2 * quiet));
  const luma = new Uint8Array(width * height).fill(255);
  const left = Math.floor((width - image.width) / 2);
  const top = Math.floor((height - image.height) / 2);
  for (let y = 0; y < image.height; y++) {
    luma.set(image.luma.subarray(y * image.width, (y + 1) * image.width), (top + y) * width + left);
  }
  return { width, height, luma };
}

/** One-frame Y4M file of an even-sized grey picture (Chromium loops the frame at `fps`). */
export function toY4m(image: GreyImage, fps = 10): Uint8Array {
  const { width, height, luma } = image;
  if (width % 2 || height % 2) throw new RangeError('Y4M 4:2:0 frames need even dimensions');
  const header = new TextEncoder().encode(
    `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\nFRAME\n`,
  );
  const chroma = (width / 2) * (height / 2);
  const out = new Uint8Array(header.length + luma.length + 2 * chroma);
  out.set(header, 0);
  out.set(luma, header.length);
  out.fill(128, header.length + luma.length);
  return out;
}
