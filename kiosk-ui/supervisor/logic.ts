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

export const RESOLUTIONS = [
  { value: 'same_person', label: 'Orang yang sama', explain: 'Warga ini sudah pernah direkam; data lama dipakai.' },
  { value: 'different_person', label: 'Orang berbeda', explain: 'Sidik jari mirip tetapi orangnya lain (sudah diperiksa).' },
  { value: 'fraud_suspected', label: 'Dugaan pemalsuan', explain: 'Ada tanda identitas ganda yang disengaja: laporkan.' },
] as const;

/** How old the oldest unsent record is, in words ("2 jam 5 menit"); a dash when nothing waits. */
export function ageText(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} detik`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} menit`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} jam ${m % 60} menit` : `${h} jam`;
  return `${Math.floor(h / 24)} hari`;
}

/** The DC link at a glance: green only when the hub reached the DC and is registered with it. */
export function dcHealth(s: { configured: boolean; registered: boolean; reachable: boolean; deadLetters: readonly unknown[] }): { tone: 'ok' | 'warn' | 'error'; text: string } {
  if (!s.configured) return { tone: 'warn', text: 'Pusat data belum diatur' };
  if (!s.reachable) return { tone: 'error', text: 'Pusat data TIDAK terhubung' };
  if (!s.registered) return { tone: 'warn', text: 'Terhubung, belum terdaftar' };
  if (s.deadLetters.length > 0) return { tone: 'warn', text: `Terhubung — ${s.deadLetters.length} data gagal dikirim` };
  return { tone: 'ok', text: 'Pusat data terhubung' };
}

/** A score for people who do not read matcher scores: the match figure with a word. */
export function scoreText(score: number | undefined): string {
  if (score === undefined) return '—';
  return `${Math.round(score).toLocaleString('id-ID')}`;
}

/** Seconds as the supervisor reads them: "45 detik", "1 menit 20 detik"; a dash for no data. */
export function durationText(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} detik`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} menit ${s % 60} detik` : `${m} menit`;
}

export interface CollectionStepRow {
  id: 'verification' | 'handover';
  name: string;
  count: number;
  median: string;
  standard: string;
  /** "3 dari 4" within the standard */
  within: string;
  /** the median is over the SOP standard */
  over: boolean;
  /** how many took longer than the standard */
  overCount: number;
}

/** The collection figures of the day: B2 (identification to verification result) and B3 (to the receipt) against the SOP. */
export function collectionStepRows(c: {
  verification: { count: number; medianSeconds: number | null; withinStandard: number; standardMinutes: number };
  handover: { count: number; medianSeconds: number | null; withinStandard: number; standardMinutes: number };
}): CollectionStepRow[] {
  const row = (id: CollectionStepRow['id'], name: string, t: typeof c.verification): CollectionStepRow => ({
    id, name, count: t.count, median: durationText(t.medianSeconds), standard: `${t.standardMinutes} menit`,
    within: `${t.withinStandard} dari ${t.count}`, over: t.medianSeconds !== null && t.medianSeconds > t.standardMinutes * 60,
    overCount: t.count - t.withinStandard,
  });
  return [
    row('verification', 'B2 · Verifikasi (identifikasi sampai hasil sidik jari)', c.verification),
    row('handover', 'B3 · Penyerahan (hasil verifikasi sampai tanda terima)', c.handover),
  ];
}
