/**
 * Formatting shared by the screens: times in the office's zone (the one the hub prints tickets and
 * receipts in, given to each page in its `hub-time-zone` meta tag), waits in whole minutes.
 */
export type Lang = 'id' | 'en';

let zone: string | null | undefined;
/** The office's IANA zone from the page, or undefined (then the PC's own zone is used). */
export function hubTimeZone(): string | undefined {
  if (zone === undefined) {
    const v = typeof document === 'undefined' ? null : document.querySelector('meta[name="hub-time-zone"]')?.getAttribute('content') ?? null;
    zone = v && isTimeZone(v) ? v : null;
  }
  return zone ?? undefined;
}

function isTimeZone(tz: string): boolean {
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; }
}

export function formatClock(iso: string | Date, lang: Lang = 'id', timeZone: string | undefined = hubTimeZone()): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleTimeString(lang === 'id' ? 'id-ID' : 'en-GB', { hour: '2-digit', minute: '2-digit', timeZone });
}

export function formatDate(iso: string | Date, lang: Lang = 'id', timeZone: string | undefined = hubTimeZone()): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleDateString(lang === 'id' ? 'id-ID' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone });
}

/** "± 12 menit" / "about 12 minutes"; under a minute reads as "less than a minute". */
export function formatWait(minutes: number, lang: Lang): string {
  const m = Math.max(0, Math.round(minutes));
  if (lang === 'en') return m < 1 ? 'less than a minute' : `about ${m} ${m === 1 ? 'minute' : 'minutes'}`;
  return m < 1 ? 'kurang dari 1 menit' : `± ${m} menit`;
}

/** Whole minutes between two instants, never negative (clocks of hub and PC may differ a little). */
export function minutesBetween(fromIso: string, now: Date): number {
  const t = new Date(fromIso).getTime();
  if (Number.isNaN(t)) return 0;
  return Math.max(0, Math.floor((now.getTime() - t) / 60_000));
}

/** Minutes with one decimal in Indonesian notation ("3,5"), or a dash for no data. */
export function formatMinutes(m: number | null | undefined): string {
  if (m === null || m === undefined || !Number.isFinite(m)) return '—';
  return (Math.round(m * 10) / 10).toLocaleString('id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

