import { compare, fieldsCompared } from './match.ts';
import type { Template } from './types.ts';

/**
 * Decision thresholds on compare() scores for false-match rates of 1 %, 0.1 % and 0.01 %, in two
 * sets, because a comparison that also weighs the orientation fields scores impostors lower than
 * one on minutiae alone:
 * - THRESHOLDS: both templates carry an orientation field (ours, from images or from our records);
 * - THRESHOLDS_MINUTIAE: at least one does not (records from other vendors).
 * verify() picks the set that applies to the pair. Calibrated by `npx tsx matcher/calibrate.ts` on
 * the FVC2002 B sets (DB1-DB4, 320 impressions of 40 fingers), every pair of different fingers,
 * same- and cross-database: our templates among themselves (49,920 impostor pairs) for the first
 * set; the SecuGen records among themselves and against ours (149,760) for the second. Each
 * threshold is the lowest score that at most that fraction of the pairs reaches. These are the
 * same images the figures are measured on (no held-out set exists here), and FMR 0.01 % rests on
 * the top 5 (first set) and 15 (second) impostor scores: treat those as estimates.
 */
export const THRESHOLDS = { fmr1: 1.95, fmr01: 4.07, fmr001: 7.89 } as const;
export const THRESHOLDS_MINUTIAE = { fmr1: 3.44, fmr01: 5.83, fmr001: 8.75 } as const;

export type SecurityLevel = keyof typeof THRESHOLDS;

/** the threshold that holds for this pair of templates at this level */
export function thresholdFor(a: Template, b: Template, level: SecurityLevel = 'fmr01'): number {
  return (fieldsCompared(a, b) ? THRESHOLDS : THRESHOLDS_MINUTIAE)[level];
}

export function verify(a: Template, b: Template, level: SecurityLevel = 'fmr01'): { score: number; match: boolean } {
  const score = compare(a, b);
  return { score, match: score >= thresholdFor(a, b, level) };
}
