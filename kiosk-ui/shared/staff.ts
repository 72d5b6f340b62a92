/**
 * Words and rules shared by the staff screens (operator, supervisor): device names and states,
 * sign-in messages, the message for a hub error code. Pure, unit-tested.
 */
import type { ApiFault } from './api.ts';
import type { DeviceState, Priority, TicketStatus } from './schemas.ts';

export const DEVICE_KIND_ID: Record<string, string> = {
  printer: 'Printer tiket',
  fingerprint: 'Pemindai sidik jari',
  signature: 'Alat tanda tangan',
  card: 'Pembaca kartu KTP-el',
};

export const DEVICE_STATUS_ID: Record<DeviceState['status'], string> = {
  online: 'Siap',
  busy: 'Sedang dipakai',
  offline: 'Tidak terhubung',
  error: 'Bermasalah',
};

export const PRIORITY_ID: Record<Priority, string> = {
  none: 'Reguler',
  elderly: 'Lansia',
  disabled: 'Disabilitas',
  pregnant: 'Ibu hamil',
};

export const STATUS_ID: Record<TicketStatus, string> = {
  waiting: 'Menunggu',
  called: 'Dipanggil',
  serving: 'Sedang dilayani',
  done: 'Selesai',
  no_show: 'Tidak hadir',
  expired: 'Kedaluwarsa',
};

export function deviceName(d: DeviceState): string {
  return DEVICE_KIND_ID[d.kind] ?? d.kind;
}

/** Devices the staff must act on now (the printer out of paper, a scanner unplugged), worst first. */
export function deviceAlerts(devices: readonly DeviceState[]): DeviceState[] {
  const rank = (d: DeviceState) => (d.kind === 'printer' ? 0 : 1) + (d.status === 'error' ? 0 : 2);
  return devices.filter((d) => d.status === 'offline' || d.status === 'error').sort((a, b) => rank(a) - rank(b));
}

export function deviceAlertText(d: DeviceState): string {
  const what = deviceName(d);
  const how = d.status === 'offline' ? 'tidak terhubung' : 'bermasalah';
  const extra = d.detail ? ` (${d.detail})` : '';
  const todo = d.kind === 'printer' ? ' Tiket tidak tercetak: warga akan diminta menunjukkan nomor di layar kiosk.' : '';
  return `${what} ${how}${extra}.${todo}`;
}

/** The sign-in form's message for a failed attempt. */
export function loginFaultText(f: ApiFault): string {
  if (f.kind === 'network') return 'Tidak dapat terhubung ke server. Periksa jaringan lalu coba lagi.';
  if (f.kind === 'http' && f.status === 429) {
    const s = f.retryAfterSeconds;
    return s ? `Terlalu banyak percobaan yang gagal. Coba lagi dalam ${waitText(s)}.` : 'Terlalu banyak percobaan yang gagal. Tunggu sebentar lalu coba lagi.';
  }
  if (f.kind === 'http' && (f.status === 401 || f.status === 400)) return 'Nama pengguna atau PIN salah.';
  if (f.kind === 'http') return `Tidak dapat masuk (kode ${f.code}).`;
  return 'Jawaban server tidak dapat dibaca. Hubungi teknisi.';
}

export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} detik`;
  const m = Math.floor(s / 60);
  const r = s % 60;
  return r ? `${m} menit ${r} detik` : `${m} menit`;
}

/** What an operator reads when an action fails. */
export function actionFaultText(f: ApiFault): string {
  if (f.kind === 'network') return 'Tidak terhubung ke server. Periksa jaringan, lalu coba lagi.';
  if (f.kind === 'invalid-response') return 'Jawaban server tidak dapat dibaca. Hubungi teknisi.';
  switch (f.code) {
    case 'QUEUE_EMPTY':
      return 'Tidak ada antrian yang menunggu untuk loket ini.';
    case 'RECALL_FIRST':
      return 'Panggil ulang dulu sebelum menandai tidak hadir.';
    case 'NOT_YOUR_COUNTER':
      return 'Anda tidak bertugas di loket ini. Pilih loket Anda lagi.';
    case 'COUNTER_SERVICE':
      return 'Loket tujuan tidak melayani layanan ini. Pilih loket atau layanan lain.';
    case 'COUNTER_BUSY':
      return 'Masih ada nomor yang belum selesai di loket ini. Selesaikan, alihkan, atau tandai tidak hadir dulu.';
    case 'FORBIDDEN':
      return 'Akun Anda tidak berhak melakukan ini.';
    case 'SESSION_EXPIRED':
      return SESSION_EXPIRED_TEXT;
  }
  if (f.status === 409) return `Tidak dapat dilakukan pada keadaan tiket sekarang (${f.code}). Data sudah diperbarui, silakan coba lagi.`;
  if (f.status === 404) return `Data tidak ditemukan (${f.code}).`;
  if (f.status >= 500) return `Server sedang bermasalah (${f.code}). Coba lagi sebentar lagi.`;
  return `Permintaan ditolak (${f.code}): ${f.message}`;
}

export const SESSION_EXPIRED_TEXT = 'Sesi Anda berakhir karena lama tidak ada aktivitas. Silakan masuk lagi.';
export const SIGNED_OUT_TEXT = 'Anda perlu masuk lagi.';
