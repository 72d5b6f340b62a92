import { compare } from './match.ts';
import type { Template } from './types.ts';

/**
 * Decision thresholds on compare() scores for false-match rates of 1 %, 0.1 % and 0.01 %.
 * Calibrated by `npx tsx matcher/calibrate.ts` on the FVC2002 B sets (DB1-DB4, 320 impressions of
 * 40 fingers): every pair of different fingers, same- and cross-database, among our templates
 * (49,920 pairs), among the SecuGen records (49,920) and ours against SecuGen's (99,840): 199,680
 * impostor pairs. Each threshold is the lowest score that at most that fraction of them reaches.
 * These are the same images the figures are measured on (no held-out set exists here), and
 * FMR 0.01 % rests on the top 20 impostor scores: treat that one as an estimate.
 */
export const THRESHOLDS = { fmr1: 3.07, fmr01: 5.45, fmr001: 8.52 } as const;

export type SecurityLevel = keyof typeof THRESHOLDS;

export function verify(a: Template, b: Template, level: SecurityLevel = 'fmr01'): { score: number; match: boolean } {
  const score = compare(a, b);
  return { score, match: score >= THRESHOLDS[level] };
}
