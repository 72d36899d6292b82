/**
 * The page's SHA-256 worker: browser-client's `installSha256Worker` answers the page's hashing
 * (the sending pass over each file, the receiver's check of each chunk), so the page's own thread
 * is left to the DataChannel and the transfer list. Vite bundles it from `new Worker(new URL(…))`.
 */
import { installSha256Worker, type Sha256WorkerScope } from '@lanrtc/browser-client/sha256-worker';

installSha256Worker(self as unknown as Sha256WorkerScope);
