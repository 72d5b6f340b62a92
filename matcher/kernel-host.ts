import { readFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/**
 * Host side of the comparison kernel (kernel/compare.wasm, built from kernel/compare.ts): loads it
 * once per thread, owns its memory and keeps templates resident there.
 *
 * The memory has a fixed size, so typed-array views of it stay valid: the kernel's scratch first,
 * then an arena that holds the templates recently compared (their arrays, and a probe's edge hash).
 * The arena is a cache: a template is copied in when a comparison needs it and is not resident,
 * and when the arena is full it is emptied at once (a new generation) and filling starts again.
 * Galleries of any size therefore stay in JavaScript arrays; the 320 templates of a full FVC2002
 * sweep (about 50 KB each with their hashes) fit without an eviction.
 */

const PAGE = 65536;
/** the arena's size; the scratch (about 0.3 MB) comes on top */
export const ARENA_BYTES = 32 * 1024 * 1024;

interface KernelExports {
  setup(base: number): number;
  fieldCosPtr(): number;
  fieldSinPtr(): number;
  outPtr(): number;
  compare(p: number, c: number, hs: number, he: number): number;
  constant(i: number): number;
}

function instantiate(): { k: KernelExports; memory: WebAssembly.Memory } {
  const bytes = readFileSync(new URL('./kernel/compare.wasm', import.meta.url));
  const scratchPages = 8;
  const pages = scratchPages + ARENA_BYTES / PAGE;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  // the host's Math, so that the kernel's trigonometry is exactly JavaScript's
  const env = { memory, cos: Math.cos, sin: Math.sin, atan2: Math.atan2 };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env });
  const k = instance.exports as unknown as KernelExports;
  const used = k.setup(64);
  if (64 + used > scratchPages * PAGE) throw new Error('matcher kernel: scratch larger than reserved');
  return { k, memory };
}

const { k: kernel, memory } = instantiate();
const buf = memory.buffer;
export const U8 = new Uint8Array(buf);
export const I16 = new Int16Array(buf);
export const U16 = new Uint16Array(buf);
export const I32 = new Int32Array(buf);
export const F32 = new Float32Array(buf);
export const F64 = new Float64Array(buf);
const ARENA_START = 8 * PAGE, ARENA_END = ARENA_START + ARENA_BYTES;

{
  // cos and sin of a doubled-angle difference of k field units (2πk/128), read by the field agreement
  const c = kernel.fieldCosPtr() >> 3, s = kernel.fieldSinPtr() >> 3;
  for (let k = 0; k < 128; k++) { F64[c + k] = Math.cos((2 * Math.PI * k) / 128); F64[s + k] = Math.sin((2 * Math.PI * k) / 128); }
}
const OUT = kernel.outPtr() >> 3;

let top = ARENA_START;
/**
 * the arena's generation: a residency recorded under an older one is gone. Each thread counts from
 * its own base, so a compact template cloned into another thread (its residency fields travel with
 * it) never looks resident there and is copied in afresh.
 */
export let arenaGen = threadId * 2 ** 24 + 1;

/** Bytes from the arena (8-aligned), or -1 when it is full (the caller empties it and retries). */
export function arenaAlloc(bytes: number): number {
  const at = (top + 7) & ~7;
  if (at + bytes > ARENA_END) return -1;
  top = at + bytes;
  return at;
}

/** bytes left in the arena */
export function arenaFree(): number {
  return ARENA_END - ((top + 7) & ~7);
}

/** Empties the arena: every resident template has to be copied in again. */
export function arenaReset(): void {
  top = ARENA_START;
  arenaGen++;
}

/** One direction of the comparison, on resident data (template headers and the probe's hash). */
export function kernelCompare(p: number, c: number, hs: number, he: number): number {
  return kernel.compare(p, c, hs, he);
}

/** the constants the kernel was built with that the preparation in match.ts must share */
export function kernelConstants(): { K: number; MASK_CELL: number; BUCKET: number } {
  return { K: kernel.constant(0), MASK_CELL: kernel.constant(1), BUCKET: kernel.constant(2) };
}

/** the detail of the last kernelCompare, in the order MatchDetail lists it */
export function kernelDetail(): number[] {
  return Array.from(F64.subarray(OUT, OUT + 8));
}
