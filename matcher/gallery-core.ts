import { compactTemplate, compareCompact, prepareProbe, K } from './match.ts';
import type { CompactTemplate } from './match.ts';
import type { Minutia, MinutiaType, Template } from './types.ts';

/**
 * One shard of a 1:N gallery (runs inside a worker, or in-process for tests). Search is two-stage:
 * an inverted index of quantised neighbour edges counts, for every template at once, how many probe
 * edges it shares, separately for each rotation between the prints (the difference of the two
 * minutiae's directions, in ROT_BINS bins); a template's count is its best pair of neighbouring
 * rotation bins. Chance edge coincidences spread over all rotations while a mate's pile up in one,
 * so the rotation keeps the mate in the shortlist of a large gallery (without it, half the probes
 * lost their mate among 100,000). Only the shortlist is compared with the full matcher. The
 * shortlist size trades speed for recall; the bench reports both.
 */
const IDX_D = 4, IDX_A = Math.PI / 12;
/** edges up to MAX_EDGE (160 px) and a bin for longer ones */
const IDX_ND = 42, IDX_NA = 24;
const IDX_KEYS = IDX_ND * IDX_NA * IDX_NA;
const ROT_BINS = 8;
/** a posting is template << 8 | the minutia's direction in 1/256 turns */
const MAX_SHARD = 1 << 23;

export interface SearchHit { id: string; score: number }

/**
 * Templates packed for cheap transfer to workers: minutiae as 5 floats each (x, y, angle, type,
 * quality); orientation fields as 3 floats per template (cell, cols, rows; zeros: none) and the
 * direction bytes of all fields end to end.
 */
export interface PackedBatch { ids: string[]; counts: Int32Array; data: Float32Array; fieldMeta: Float32Array; fieldDirs: Uint8Array }

export function packTemplates(entries: { id: string; template: Template }[]): PackedBatch {
  let total = 0, dirs = 0;
  // a field whose grid and directions disagree in size is not carried (compactTemplate ignores it too)
  const fieldOf = (t: Template) => (t.field && t.field.cell > 0 && t.field.dir.length === t.field.cols * t.field.rows ? t.field : undefined);
  for (const e of entries) { total += Math.min(e.template.minutiae.length, 127); dirs += fieldOf(e.template)?.dir.length ?? 0; }
  const data = new Float32Array(total * 5);
  const counts = new Int32Array(entries.length);
  const fieldMeta = new Float32Array(entries.length * 3), fieldDirs = new Uint8Array(dirs);
  let o = 0, fo = 0;
  entries.forEach((e, i) => {
    const ms = e.template.minutiae.slice(0, 127);
    counts[i] = ms.length;
    for (const m of ms) { data[o++] = m.x; data[o++] = m.y; data[o++] = m.angle; data[o++] = m.type; data[o++] = m.quality; }
    const f = fieldOf(e.template);
    if (f) {
      fieldMeta[3 * i] = f.cell; fieldMeta[3 * i + 1] = f.cols; fieldMeta[3 * i + 2] = f.rows;
      fieldDirs.set(f.dir, fo); fo += f.dir.length;
    }
  });
  return { ids: entries.map((e) => e.id), counts, data, fieldMeta, fieldDirs };
}

export function unpackTemplates(b: PackedBatch): { id: string; template: Template }[] {
  const out: { id: string; template: Template }[] = [];
  let o = 0, fo = 0;
  for (let i = 0; i < b.ids.length; i++) {
    const minutiae: Minutia[] = [];
    for (let k = 0; k < b.counts[i]!; k++) {
      minutiae.push({ x: b.data[o]!, y: b.data[o + 1]!, angle: b.data[o + 2]!, type: b.data[o + 3]! as MinutiaType, quality: b.data[o + 4]! });
      o += 5;
    }
    const template: Template = { width: 0, height: 0, resolution: 500, quality: 0, minutiae };
    const cell = b.fieldMeta[3 * i]!, cols = b.fieldMeta[3 * i + 1]!, rows = b.fieldMeta[3 * i + 2]!;
    if (cell > 0) {
      // a view: compactTemplate copies what it keeps
      template.field = { cell, cols, rows, dir: b.fieldDirs.subarray(fo, fo + cols * rows) };
      fo += cols * rows;
    }
    out.push({ id: b.ids[i]!, template });
  }
  return out;
}

function turn256(a: number): number {
  return Math.floor((a * 256) / (2 * Math.PI)) & 255;
}

function keyOf(d: number, a: number, b: number): number {
  return (Math.min(IDX_ND - 1, Math.floor(d / IDX_D)) * IDX_NA + (Math.floor(a / IDX_A) % IDX_NA)) * IDX_NA + (Math.floor(b / IDX_A) % IDX_NA);
}

export class GalleryShard {
  private ids: string[] = [];
  private items: CompactTemplate[] = [];
  private start: Int32Array | null = null;
  private postings: Int32Array = new Int32Array(0);
  /** per template and rotation bin: edges shared with the probe (a probe has at most 127 x K edges, each in 8 bins) */
  private counts: Uint16Array = new Uint16Array(0);
  private norm: Float32Array = new Float32Array(0);
  private scores: Float32Array = new Float32Array(0);

  get size(): number { return this.items.length; }

  add(batch: PackedBatch): void {
    if (this.items.length + batch.ids.length > MAX_SHARD) throw new Error(`a gallery shard holds at most ${MAX_SHARD} templates`);
    for (const e of unpackTemplates(batch)) { this.ids.push(e.id); this.items.push(compactTemplate(e.template)); }
    this.start = null;
  }

  clear(): void { this.ids = []; this.items = []; this.start = null; }

  private buildIndex(): void {
    const n = this.items.length;
    const start = new Int32Array(IDX_KEYS + 1);
    for (const c of this.items) for (let e = 0; e < c.n * K; e++) if (c.nb[e]! >= 0) start[keyOf(c.ed[e]!, c.ea[e]!, c.eb[e]!) + 1]!++;
    for (let k = 0; k < IDX_KEYS; k++) start[k + 1]! += start[k]!;
    const postings = new Int32Array(start[IDX_KEYS]!);
    const fill = start.slice(0, IDX_KEYS);
    this.norm = new Float32Array(n);
    for (let t = 0; t < n; t++) {
      const c = this.items[t]!;
      let edges = 0;
      for (let e = 0; e < c.n * K; e++) if (c.nb[e]! >= 0) { postings[fill[keyOf(c.ed[e]!, c.ea[e]!, c.eb[e]!)]!++] = (t << 8) | turn256(c.a[(e / K) | 0]!); edges++; }
      this.norm[t] = 1 / Math.sqrt(edges + 20);
    }
    this.start = start;
    this.postings = postings;
    this.counts = new Uint16Array(n * ROT_BINS);
    this.scores = new Float32Array(n);
  }

  /** Returns the best topK of this shard; `shortlist` templates get the full comparison. */
  search(probe: Template, topK: number, shortlist: number): SearchHit[] {
    const n = this.items.length;
    if (n === 0) return [];
    if (!this.start) this.buildIndex();
    const start = this.start!, post = this.postings, counts = this.counts;
    const pp = prepareProbe(probe);
    let cand: number[];
    if (n <= shortlist) {
      cand = Array.from({ length: n }, (_, i) => i);
    } else {
      counts.fill(0);
      for (let e = 0; e < pp.n * K; e++) {
        if (pp.nb[e]! < 0) continue;
        const pa = turn256(pp.a[(e / K) | 0]!);
        const d = pp.ed[e]!, a = pp.ea[e]!, b = pp.eb[e]!;
        // the probe edge's own bin and, per dimension, the neighbouring bin it is closest to
        const fd = d / IDX_D, fa = a / IDX_A, fb = b / IDX_A;
        const d0 = Math.min(IDX_ND - 1, Math.floor(fd)), a0 = Math.floor(fa) % IDX_NA, b0 = Math.floor(fb) % IDX_NA;
        const d1 = fd - d0 < 0.5 ? d0 - 1 : d0 + 1;
        const a1 = (fa - Math.floor(fa) < 0.5 ? a0 - 1 + IDX_NA : a0 + 1) % IDX_NA;
        const b1 = (fb - Math.floor(fb) < 0.5 ? b0 - 1 + IDX_NA : b0 + 1) % IDX_NA;
        for (let i = 0; i < 2; i++) {
          const dd = i ? d1 : d0;
          if (dd < 0 || dd >= IDX_ND) continue;
          for (let j = 0; j < 2; j++) {
            const aa = j ? a1 : a0;
            for (let k = 0; k < 2; k++) {
              const key = (dd * IDX_NA + aa) * IDX_NA + (k ? b1 : b0);
              const end = start[key + 1]!;
              for (let h = start[key]!; h < end; h++) {
                const v = post[h]!;
                counts[(v >>> 8) * ROT_BINS + ((((pa - v) & 255) * ROT_BINS) >> 8)]! += 1;
              }
            }
          }
        }
      }
      const sc = this.scores;
      for (let t = 0; t < n; t++) {
        const b0 = t * ROT_BINS;
        let m = counts[b0 + ROT_BINS - 1]! + counts[b0]!;
        for (let b = b0; b < b0 + ROT_BINS - 1; b++) { const v = counts[b]! + counts[b + 1]!; if (v > m) m = v; }
        sc[t] = m * this.norm[t]!;
      }
      cand = topIndices(sc, shortlist);
    }
    const hits: SearchHit[] = [];
    for (const t of cand) hits.push({ id: this.ids[t]!, score: compareCompact(pp, this.items[t]!) });
    hits.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    return hits.slice(0, topK);
  }
}

function topIndices(v: Float32Array, m: number): number[] {
  // threshold by sampling, then collect (avoids sorting the whole shard)
  const n = v.length;
  const step = Math.max(1, Math.floor(n / 4096));
  const sample: number[] = [];
  for (let i = 0; i < n; i += step) sample.push(v[i]!);
  sample.sort((a, b) => b - a);
  const want = Math.min(sample.length - 1, Math.floor((m / n) * sample.length * 1.5) + 1);
  const thr = sample[want]!;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (v[i]! >= thr) idx.push(i);
  idx.sort((a, b) => v[b]! - v[a]!);
  return idx.slice(0, m);
}
