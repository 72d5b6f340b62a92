/**
 * @peculiar/x509 (through tsyringe) needs the Reflect metadata API at load time, and no polyfill
 * package is installed. This is the small subset it uses: define/get/has (own and inherited)
 * metadata and the `Reflect.metadata` decorator factory that compiled decorators call.
 * Import this module before any import of @peculiar/x509. It defines nothing if a full polyfill
 * is already present.
 */
type Key = unknown;
type Store = Map<string | symbol | undefined, Map<Key, unknown>>;
const stores = new WeakMap<object, Store>();

function table(target: object, prop: string | symbol | undefined, create: boolean): Map<Key, unknown> | undefined {
  let s = stores.get(target);
  if (!s) {
    if (!create) return undefined;
    s = new Map();
    stores.set(target, s);
  }
  let t = s.get(prop);
  if (!t && create) {
    t = new Map();
    s.set(prop, t);
  }
  return t;
}

const R = Reflect as unknown as Record<string, unknown>;
if (typeof R.getMetadata !== 'function') {
  const getOwn = (k: Key, target: object, prop?: string | symbol) => table(target, prop, false)?.get(k);
  const hasOwn = (k: Key, target: object, prop?: string | symbol) => table(target, prop, false)?.has(k) ?? false;
  const has = (k: Key, target: object, prop?: string | symbol): boolean => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) if (hasOwn(k, o, prop)) return true;
    return false;
  };
  const get = (k: Key, target: object, prop?: string | symbol): unknown => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) if (hasOwn(k, o, prop)) return getOwn(k, o, prop);
    return undefined;
  };
  const define = (k: Key, v: unknown, target: object, prop?: string | symbol) => { table(target, prop, true)!.set(k, v); };
  Object.assign(R, {
    defineMetadata: define,
    getOwnMetadata: getOwn,
    getMetadata: get,
    hasOwnMetadata: hasOwn,
    hasMetadata: has,
    metadata: (k: Key, v: unknown) => (target: object, prop?: string | symbol) => define(k, v, target, prop),
  });
}
export {};
