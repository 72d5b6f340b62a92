import { compare } from './match.ts';
import type { Template } from './types.ts';

/**
 * Decision thresholds on compare() scores for false-match rates of 1 %, 0.1 % and 0.01 %.
 * Calibrated by `npx tsx matcher/calibrate.ts`: every impostor pair (different fingers) among the
 * 320 FVC2002 B images (all four databases, our own templates, symmetric compare()), i.e. the
 * 11,520 same-database impostor pairs plus 38,400 cross-database ones, 49,920 in all; each threshold
 * is the smallest score that at most that fraction of impostor pairs reaches, rounded up.
 * FMR 0.01 % rests on the top 5 impostor scores only: treat it as an estimate.
 */
export const THRESHOLDS = { fmr1: 19.61, fmr01: 34.42, fmr001: 48.34 } as const;

export type SecurityLevel = keyof typeof THRESHOLDS;

export function verify(a: Template, b: Template, level: SecurityLevel = 'fmr01'): { score: number; match: boolean } {
  const score = compare(a, b);
  return { score, match: score >= THRESHOLDS[level] };
}
