import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { packTemplates } from './gallery-core.ts';
import type { SearchHit } from './gallery-core.ts';
import type { Template } from './types.ts';

export type { SearchHit } from './gallery-core.ts';

export interface PoolOptions {
  /** worker threads (default: all cores) */
  threads?: number;
  /** templates per worker that get the full comparison after the index pre-selection (default 400) */
  shortlist?: number;
}

interface Pending { resolve: (v: unknown) => void; reject: (e: Error) => void }

/**
 * A 1:N gallery spread over worker threads; each worker holds a shard (round-robin).
 *   const pool = new MatcherPool();             // or createGallery()
 *   await pool.add([{ id, template }, ...]);
 *   const hits = await pool.search(probe, { topK: 5 });
 *   await pool.close();                          // terminates the workers
 * Idle workers are unref'd, so a forgotten pool does not keep the process alive either.
 */
export class MatcherPool {
  private workers: Worker[] = [];
  private pending = new Map<number, Pending>();
  private seq = 0;
  private next = 0;
  private sizes: number[];
  private closed = false;
  private readonly shortlist: number;

  constructor(opts: PoolOptions = {}) {
    const n = Math.max(1, opts.threads ?? availableParallelism());
    this.shortlist = opts.shortlist ?? 400;
    this.sizes = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL('./pool-worker-boot.mjs', import.meta.url));
      w.on('message', (m: { req: number; ok: boolean; error?: string }) => {
        const p = this.pending.get(m.req);
        if (!p) return;
        this.pending.delete(m.req);
        if (this.pending.size === 0) for (const x of this.workers) x.unref();
        if (m.ok) p.resolve(m); else p.reject(new Error(m.error));
      });
      w.on('error', (e) => { for (const p of this.pending.values()) p.reject(e); this.pending.clear(); });
      w.unref();
      this.workers.push(w);
    }
  }

  get size(): number { return this.sizes.reduce((a, b) => a + b, 0); }

  private call(w: number, msg: Record<string, unknown>): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('MatcherPool is closed'));
    const req = ++this.seq;
    for (const x of this.workers) x.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      this.workers[w]!.postMessage({ ...msg, req });
    });
  }

  /** Adds templates (ids need not be unique, but searches report ids as given). */
  async add(entries: Iterable<{ id: string; template: Template }>): Promise<void> {
    const per: { id: string; template: Template }[][] = this.workers.map(() => []);
    for (const e of entries) { per[this.next]!.push(e); this.next = (this.next + 1) % this.workers.length; }
    await Promise.all(per.map(async (list, i) => {
      for (let o = 0; o < list.length; o += 5000) {
        const r = (await this.call(i, { type: 'add', batch: packTemplates(list.slice(o, o + 5000)) })) as { size: number };
        this.sizes[i] = r.size;
      }
    }));
  }

  async clear(): Promise<void> {
    await Promise.all(this.workers.map((_, i) => this.call(i, { type: 'clear' })));
    this.sizes.fill(0);
  }

  /** The topK best candidates over the whole gallery, best first. */
  async search(probe: Template, opts: { topK?: number; shortlist?: number } = {}): Promise<SearchHit[]> {
    const topK = opts.topK ?? 10;
    const probeMsg: Template = { ...probe, minutiae: probe.minutiae.map((m) => ({ ...m })) };
    const parts = (await Promise.all(this.workers.map((_, i) =>
      this.call(i, { type: 'search', probe: probeMsg, topK, shortlist: opts.shortlist ?? this.shortlist })))) as { hits: SearchHit[] }[];
    return parts.flatMap((p) => p.hits).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, topK);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error('MatcherPool closed'));
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export function createGallery(opts: PoolOptions = {}): MatcherPool {
  return new MatcherPool(opts);
}

export function searchGallery(probe: Template, gallery: MatcherPool, opts: { topK?: number } = {}): Promise<SearchHit[]> {
  return gallery.search(probe, opts);
}
