/** @lanrtc/signal-core/testing — in-memory signalling for tests and one-process demos. */

export {
  createMemoryNetwork,
  type MemoryNetwork,
  type MemoryNetworkInit,
  type TamperHook,
} from '../transport/memory.js';
export { AsyncQueue } from '../transport/queue.js';
