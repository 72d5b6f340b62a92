/** The supervisor page's judgements on the day's figures. Pure. */
import type { ServiceStats } from '../shared/schemas.ts';

/** SOP 7.2.1.1 standard minutes (mutu baku) of the counter steps, shown for reference. */
export const SOP_STEPS = [
  { id: 'intake', name: 'Penerimaan berkas', minutes: 2 },
  { id: 'recording', name: 'Perekaman biometrik', minutes: 4 },
  { id: 'verification', name: 'Verifikasi', minutes: 2 },
  { id: 'handover', name: 'Penyerahan KTP-el', minutes: 1 },
] as const;

/** The average service time of a service is over its SOP standard (no data is not over). */
export function isOverStandard(r: Pick<ServiceStats, 'avgServiceMinutes' | 'standardMinutes'>): boolean {
  return r.avgServiceMinutes !== null && r.avgServiceMinutes > r.standardMinutes;
}

export function totals(rows: readonly ServiceStats[]) {
  const sum = (f: (r: ServiceStats) => number) => rows.reduce((s, r) => s + f(r), 0);
  return {
    issued: sum((r) => r.issued),
    served: sum((r) => r.served),
    noShow: sum((r) => r.noShow),
    waitingNow: sum((r) => r.waitingNow),
    overStandardCount: sum((r) => r.overStandardCount),
  };
}
