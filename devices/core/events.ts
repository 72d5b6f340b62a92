/**
 * A tiny typed event emitter. Node's EventEmitter typing varies between @types/node versions and
 * swallows listener errors into 'error' events; ours calls listeners in order and reports a
 * throwing listener on the console instead of breaking the device loop that emitted.
 */
export type Listener<A extends unknown[]> = (...args: A) => void;

type Args<E, K extends keyof E> = E[K] extends unknown[] ? E[K] : never;

export class TypedEmitter<E extends object> {
  private listeners = new Map<keyof E, Set<Listener<never[]>>>();

  on<K extends keyof E>(event: K, fn: Listener<Args<E, K>>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(fn as unknown as Listener<never[]>);
    return () => this.off(event, fn);
  }

  once<K extends keyof E>(event: K, fn: Listener<Args<E, K>>): () => void {
    const off = this.on(event, ((...args: Args<E, K>) => { off(); fn(...args); }) as Listener<Args<E, K>>);
    return off;
  }

  off<K extends keyof E>(event: K, fn: Listener<Args<E, K>>): void {
    this.listeners.get(event)?.delete(fn as unknown as Listener<never[]>);
  }

  protected emit<K extends keyof E>(event: K, ...args: Args<E, K>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as unknown as Listener<Args<E, K>>)(...args);
      } catch (err) {
        // A faulty listener must not stop the device's read loop; make it visible instead.
        console.error(`listener for '${String(event)}' threw`, err);
      }
    }
  }
}
