/**
 * A queue between a streaming decoder (push side, called from the transport's data event) and an
 * operation awaiting the next frame (pull side, honouring its AbortSignal).
 */
export type InboxItem<F, E> = { ok: true; frame: F } | { ok: false; error: E };

export class FrameInbox<F, E> {
  private items: InboxItem<F, E>[] = [];
  private waiter: ((item: InboxItem<F, E>) => void) | undefined;

  constructor(private readonly limit = 1024) {}

  push(item: InboxItem<F, E>): void {
    const w = this.waiter;
    if (w) { this.waiter = undefined; w(item); return; }
    // Frames nobody asked for (stale answers after a timeout) must not grow memory without bound.
    if (this.items.length >= this.limit) this.items.shift();
    this.items.push(item);
  }

  /** drops frames left over from an earlier operation */
  clear(): void {
    this.items = [];
  }

  next(signal: AbortSignal): Promise<InboxItem<F, E>> {
    const head = this.items.shift();
    if (head) return Promise.resolve(head);
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => { if (this.waiter === take) this.waiter = undefined; reject(signal.reason); };
      const take = (item: InboxItem<F, E>) => { signal.removeEventListener('abort', onAbort); resolve(item); };
      this.waiter = take;
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
