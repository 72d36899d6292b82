/**
 * The messages of one MessagePort as a queue read one at a time, with an optional deadline: the
 * `/lan/` bridge is a strict request/answer exchange per port (ack, head, then one chunk per pull),
 * so each side awaits exactly the next message. A message the decoder refuses reads as `invalid`;
 * the port's `close` event (where the browser has it) and `close()` read as `closed`.
 */

/** What `next` yields besides a decoded message. */
export type InboxEnd = { readonly t: 'closed' } | { readonly t: 'timeout' } | { readonly t: 'invalid' };

/** A port's decoded messages, one `next()` at a time. */
export interface PortInbox<M> {
  /** The next message; `timeout` when `timeoutMs` passed first. */
  next(timeoutMs?: number): Promise<M | InboxEnd>;
  /** Stop listening and close the port. */
  close(): void;
}

/** Start reading `port`, decoding each message with `decode` (undefined = not a valid message). */
export function portInbox<M>(port: MessagePort, decode: (data: unknown) => M | undefined): PortInbox<M> {
  const queue: (M | InboxEnd)[] = [];
  let waiter: ((m: M | InboxEnd) => void) | undefined;
  let closed = false;
  const push = (m: M | InboxEnd) => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(m);
    } else queue.push(m);
  };
  const onMessage = (event: MessageEvent) => push(decode(event.data) ?? { t: 'invalid' });
  const onClose = () => {
    if (closed) return;
    closed = true;
    push({ t: 'closed' });
  };
  port.addEventListener('message', onMessage);
  // MessagePort `close` (HTML §9.4.4) fires when the other side's realm is gone; not every browser has it.
  port.addEventListener('close', onClose);
  port.start();
  return {
    next(timeoutMs) {
      const first = queue.shift();
      if (first) return Promise.resolve(first);
      if (closed) return Promise.resolve({ t: 'closed' });
      return new Promise((resolve) => {
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                waiter = undefined;
                resolve({ t: 'timeout' });
              }, timeoutMs);
        waiter = (m) => {
          clearTimeout(timer);
          resolve(m);
        };
      });
    },
    close() {
      port.removeEventListener('message', onMessage);
      port.close();
      onClose();
    },
  };
}
