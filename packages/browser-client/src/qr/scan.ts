/**
 * Reading QR codes in the page with jsQR (pure JS: `BarcodeDetector` does not exist in Linux
 * Chromium or Firefox, docs/PLATFORM.md). From the camera — `getUserMedia` exists in secure contexts only
 * (https, `http://localhost`, an installed app; W3C Media Capture §10) — or from an image file, which
 * works on any page, including an insecure `http://<lan-ip>` one.
 */
import jsqr from 'jsqr';
import { CameraUnavailableError, QrNotFoundError } from '../errors.js';

/** Longest side frames and images are scaled down to before decoding (jsQR's time grows with pixels). */
const MAX_SIDE = 1280;
/** Pause between two camera frames tried. */
const FRAME_INTERVAL_MS = 100;

/** Options of `scanQrFromCamera`. */
export interface CameraScanInit {
  /** Show the camera picture here (as a viewfinder); a detached element is used when absent. */
  readonly video?: HTMLVideoElement;
  /** Stop scanning: the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
  /** Give up with `QrNotFoundError` after this long (default 60 s). */
  readonly timeoutMs?: number;
  /** Skip codes this rejects (another QR code in view); default: accept any non-empty text. */
  readonly accept?: (text: string) => boolean;
  /** Camera constraints (default: the rear camera where there is one). */
  readonly constraints?: MediaTrackConstraints;
}

/** Pixels of `source`, scaled so the longest side is at most `MAX_SIDE` (drawn on `canvas`, reused per scan). */
function pixels(
  source: CanvasImageSource,
  width: number,
  height: number,
  canvas: HTMLCanvasElement = document.createElement('canvas'),
): ImageData {
  const k = Math.min(1, MAX_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * k));
  const h = Math.max(1, Math.round(height * k));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new QrNotFoundError('no 2d canvas to decode on');
  ctx.drawImage(source, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

type JsQr = typeof jsqr.default;

/** Decode a QR code in `image`, or undefined. */
function decode(image: ImageData, invert: boolean): string | undefined {
  // jsqr is CommonJS with `exports.default`: Node-style interop (this package is `type: module`)
  // hands over the exports object, Babel-style interop the function itself.
  const jsQR: JsQr = typeof jsqr === 'function' ? (jsqr as unknown as JsQr) : jsqr.default;
  const found = jsQR(image.data, image.width, image.height, {
    inversionAttempts: invert ? 'attemptBoth' : 'dontInvert',
  });
  return found && found.data.length > 0 ? found.data : undefined;
}

/**
 * Scan the camera until a QR code is seen and return its text. Secure contexts only
 * (`CameraUnavailableError` otherwise, or when there is no camera or permission); the camera's
 * tracks are stopped however this ends.
 */
export async function scanQrFromCamera(init: CameraScanInit = {}): Promise<string> {
  const { signal } = init;
  signal?.throwIfAborted();
  const media = globalThis.navigator?.mediaDevices;
  if (!media?.getUserMedia) {
    throw new CameraUnavailableError(
      globalThis.isSecureContext ? 'this browser has no camera API' : 'camera needs a secure context',
    );
  }
  let stream: MediaStream;
  try {
    stream = await media.getUserMedia({
      audio: false,
      video: init.constraints ?? { facingMode: 'environment' },
    });
  } catch (error) {
    throw new CameraUnavailableError('could not open the camera', { cause: error });
  }
  const video = init.video ?? document.createElement('video');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  try {
    // Aborted while the permission prompt was up: the finally still stops the tracks.
    signal?.throwIfAborted();
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    const deadline = performance.now() + (init.timeoutMs ?? 60_000);
    const accept = init.accept ?? (() => true);
    const canvas = document.createElement('canvas');
    return await new Promise<string>((resolve, reject) => {
      onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      // Frames are tried from the first one decoded; `play()` is not awaited, so an abort or the
      // timeout still ends a scan whose video never starts.
      video
        .play()
        .catch((cause: unknown) =>
          reject(new CameraUnavailableError('the camera video does not play', { cause })),
        );
      const tick = () => {
        timer = undefined;
        try {
          if (video.videoWidth > 0 && video.videoHeight > 0) {
            const text = decode(pixels(video, video.videoWidth, video.videoHeight, canvas), false);
            if (text !== undefined && accept(text)) return resolve(text);
          }
        } catch (error) {
          return reject(error);
        }
        if (performance.now() >= deadline) return reject(new QrNotFoundError('no QR code seen in time'));
        timer = setTimeout(tick, FRAME_INTERVAL_MS);
      };
      tick();
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    for (const track of stream.getTracks()) track.stop();
    if (video.srcObject === stream) video.srcObject = null;
  }
}

/**
 * Decode the QR code in an image file (a photo or screenshot of one); works in insecure contexts.
 * `QrNotFoundError` when the image does not decode or shows no QR code.
 */
export async function scanQrFromImage(image: Blob): Promise<string> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(image);
  } catch (error) {
    throw new QrNotFoundError('the image does not decode', { cause: error });
  }
  try {
    const text = decode(pixels(bitmap, bitmap.width, bitmap.height), true);
    if (text === undefined) throw new QrNotFoundError('no QR code in the image');
    return text;
  } finally {
    bitmap.close();
  }
}
