/**
 * The DC's 1:N duplicate check over its gallery with our matcher: for each finger position present
 * in both, compare; an identity's score is its best finger. At or above the matcher's FMR 0.01 %
 * threshold it is a candidate.
 */
import { compare, decodeIso19794, THRESHOLDS, type Template } from '../../matcher/index.ts';

export interface Candidate { identityId: string; nikMasked: string; score: number }

interface Identity { nikMasked: string; fingers: Map<number, Template> }

export class Gallery {
  private readonly identities = new Map<string, Identity>();

  constructor(private readonly threshold = THRESHOLDS.fmr001) {}

  get size(): number { return this.identities.size; }
  has(id: string): boolean { return this.identities.has(id); }

  /** adds an identity; templates that our reader refuses are left out (and reported) */
  add(identityId: string, nikMasked: string, fingers: { position: number; iso: Uint8Array }[]): string[] {
    const problems: string[] = [];
    const map = new Map<number, Template>();
    for (const f of fingers) {
      const t = decodeIso19794(f.iso);
      if (t.ok) map.set(f.position, t.template); else problems.push(`position ${f.position}: ${t.error}`);
    }
    this.identities.set(identityId, { nikMasked, fingers: map });
    return problems;
  }

  search(probe: Map<number, Template>, limit = 5): Candidate[] {
    const out: Candidate[] = [];
    for (const [identityId, id] of this.identities) {
      let best = 0;
      for (const [pos, t] of probe) {
        const g = id.fingers.get(pos);
        if (g) best = Math.max(best, compare(t, g));
      }
      if (best >= this.threshold) out.push({ identityId, nikMasked: id.nikMasked, score: Math.round(best * 100) / 100 });
    }
    return out.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  /** the best-scoring identity for a probe, whatever its score (a forced duplicate names it) */
  best(probe: Map<number, Template>): Candidate | null {
    let top: Candidate | null = null;
    for (const [identityId, id] of this.identities) {
      let best = 0;
      for (const [pos, t] of probe) {
        const g = id.fingers.get(pos);
        if (g) best = Math.max(best, compare(t, g));
      }
      if (!top || best > top.score) top = { identityId, nikMasked: id.nikMasked, score: Math.round(best * 100) / 100 };
    }
    return top;
  }
}
