/** The simulator panel's pure rules: pen points scaled to the pad, the card variants explained. Pure. */
import type { CardVariant, DeviceState } from '../shared/schemas.ts';

export interface PadPoint { x: number; y: number; pressure: number }

/** the hub takes at most this many points per stroke (POST /api/sim/signature/stroke) */
export const MAX_STROKE_POINTS = 5000;

/** A pointer position inside the drawing area as 0..1 of the pad, clamped (a pen dragged past the edge stays on it). */
export function normalisePoint(clientX: number, clientY: number, rect: { left: number; top: number; width: number; height: number }): { x: number; y: number } {
  const clamp = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
  if (rect.width <= 0 || rect.height <= 0) return { x: 0, y: 0 };
  return { x: clamp((clientX - rect.left) / rect.width), y: clamp((clientY - rect.top) / rect.height) };
}

/**
 * A mouse has no pressure (browsers report 0.5 while a button is down, 0 otherwise), so it draws at
 * 0.5; a pen or a finger passes on what the browser measured, when it measured anything.
 */
export function pointerPressure(pointerType: string, pressure: number): number {
  if (pointerType === 'mouse') return 0.5;
  if (!Number.isFinite(pressure) || pressure <= 0) return 0.5;
  return Math.min(1, pressure);
}

/** Fewer points for a very long stroke, evenly spaced, keeping the first and the last. */
export function limitStroke(points: readonly PadPoint[], max = MAX_STROKE_POINTS): PadPoint[] {
  if (points.length <= max) return [...points];
  const out: PadPoint[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]!);
  return out;
}

export const CARD_VARIANTS: { value: CardVariant; label: string; explain: string }[] = [
  { value: 'good', label: 'Kartu asli', explain: 'Kartu yang sah: data terbaca dan tanda tangan digital cocok.' },
  { value: 'changedDg', label: 'Data diubah', explain: 'Isi data di chip diubah setelah diterbitkan: hash tidak cocok.' },
  { value: 'badSignature', label: 'Tanda tangan rusak', explain: 'Tanda tangan digital kartu tidak sah.' },
  { value: 'unknownCa', label: 'Penerbit tidak dikenal', explain: 'Kartu ditandatangani oleh penerbit yang tidak dipercaya.' },
  { value: 'truncated', label: 'Data terpotong', explain: 'Berkas di chip terpotong: kartu tidak terbaca lengkap.' },
];

export function cardVariantLabel(v: string): string {
  return CARD_VARIANTS.find((c) => c.value === v)?.label ?? v;
}

export const FINGER_ID: Record<string, string> = { rightIndex: 'telunjuk kanan', leftIndex: 'telunjuk kiri' };

/** The printer's fault as the panel shows it, or null while it prints. */
export function printerFault(devices: readonly DeviceState[], toggles: { paperOut: boolean; offline: boolean }): string | null {
  const d = devices.find((x) => x.id === 'printer');
  if (d && (d.status === 'error' || d.status === 'offline')) {
    return `Printer ${d.status === 'offline' ? 'tidak terhubung' : 'bermasalah'}${d.detail ? ` — ${d.detail}` : ''}`;
  }
  if (toggles.offline) return 'Printer dimatikan (simulasi)';
  if (toggles.paperOut) return 'Kertas habis (simulasi)';
  return null;
}
