/**
 * The DC's 1:N duplicate check over its gallery with our matcher. One matcher pool (worker threads)
 * per finger position, so a right index is only ever searched among right indexes. The pool's
 * search scores one direction only, while THRESHOLDS are calibrated on the symmetric compare(); so
 * the pool shortlists and the decision is taken on compare() of the shortlisted few. An identity's
 * score is its best finger; a finger at or above the FMR 0.01 % threshold for its pair (records
 * that carry our orientation field have their own, see the matcher's thresholds.ts) makes the
 * identity a candidate.
 */
import { compare, decodeIso19794, MatcherPool, thresholdFor, type Template } from '../../matcher/index.ts';

export interface Candidate { identityId: string; nikMasked: string; score: number }

export interface GalleryOptions {
  /** decision threshold on compare() scores (default: the matcher's FMR 0.01 % for each pair) */
  threshold?: number;
  /** worker threads per finger position (default 1) */
  threadsPerPosition?: number;
  /** how many of each position's pool hits are re-scored with compare() (default 10) */
  shortlist?: number;
}

export class Gallery {
  private readonly identities = new Map<string, { nikMasked: string }>();
  private readonly pools = new Map<number, MatcherPool>();
  /** kept for the symmetric re-score of shortlisted hits; key `${position}:${identityId}` */
  private readonly templates = new Map<string, Template>();
  /** a fixed decision threshold, or undefined for the matcher's FMR 0.01 % for each pair */
  readonly threshold: number | undefined;
  private readonly threads: number;
  private readonly shortlist: number;

  constructor(opts: GalleryOptions = {}) {
    this.threshold = opts.threshold;
    this.threads = opts.threadsPerPosition ?? 1;
    this.shortlist = opts.shortlist ?? 10;
  }

  get size(): number { return this.identities.size; }
  has(id: string): boolean { return this.identities.has(id); }
  nikMaskedOf(id: string): string | undefined { return this.identities.get(id)?.nikMasked; }

  /** adds identities; templates that our reader refuses are left out and reported */
  async add(people: { identityId: string; nikMasked: string; fingers: { position: number; iso: Uint8Array }[] }[]): Promise<string[]> {
    const problems: string[] = [];
    const perPosition = new Map<number, { id: string; template: Template }[]>();
    for (const p of people) {
      if (this.identities.has(p.identityId)) continue;
      this.identities.set(p.identityId, { nikMasked: p.nikMasked });
      for (const f of p.fingers) {
        const t = decodeIso19794(f.iso);
        if (!t.ok) { problems.push(`${p.identityId} position ${f.position}: ${t.error}`); continue; }
        this.templates.set(`${f.position}:${p.identityId}`, t.template);
        const list = perPosition.get(f.position) ?? [];
        list.push({ id: p.identityId, template: t.template });
        perPosition.set(f.position, list);
      }
    }
    await Promise.all([...perPosition].map(([pos, list]) => this.pool(pos).add(list)));
    return problems;
  }

  private pool(position: number): MatcherPool {
    let p = this.pools.get(position);
    if (!p) { p = new MatcherPool({ threads: this.threads }); this.pools.set(position, p); }
    return p;
  }

  /** every identity's best finger score among the pools' shortlists, best first */
  private async scores(probe: Map<number, Template>): Promise<(Candidate & { hit: boolean })[]> {
    const best = new Map<string, number>();
    const hits = new Set<string>();
    for (const [pos, t] of probe) {
      const pool = this.pools.get(pos);
      if (!pool || pool.size === 0) continue;
      for (const hit of await pool.search(t, { topK: this.shortlist })) {
        const g = this.templates.get(`${pos}:${hit.id}`);
        if (!g) continue;
        const s = compare(t, g);
        if (s > (best.get(hit.id) ?? -1)) best.set(hit.id, s);
        if (s >= (this.threshold ?? thresholdFor(t, g, 'fmr001'))) hits.add(hit.id);
      }
    }
    return [...best].map(([identityId, s]) => ({ identityId, nikMasked: this.identities.get(identityId)!.nikMasked, score: Math.round(s * 100) / 100, hit: hits.has(identityId) }))
      .sort((a, b) => b.score - a.score || (a.identityId < b.identityId ? -1 : 1));
  }

  /** the identities at or above the threshold, best first */
  async search(probe: Map<number, Template>, limit = 5): Promise<Candidate[]> {
    return (await this.scores(probe)).filter((c) => c.hit).slice(0, limit).map(({ hit: _, ...c }) => c);
  }

  /** the best-scoring identity whatever its score (a forced duplicate without a named identity) */
  async best(probe: Map<number, Template>): Promise<Candidate | null> {
    const top = (await this.scores(probe))[0];
    if (!top) return null;
    const { hit: _, ...c } = top;
    return c;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}
