/**
 * Words for the operator's finger: the sign-in step's errors, the enrolment's live guidance and its
 * errors. Pure, unit-tested. Officers read these at the counter, so they say what to do next.
 */
import type { ApiFault } from './api.ts';
import { loginFaultText } from './staff.ts';

export const FINGER_PROMPT_TEXT = 'Letakkan jari telunjuk kanan Anda pada pemindai sidik jari';

/** What the sign-in's fingerprint step says when it fails; every failure goes back to username and PIN. */
export function fingerprintLoginFaultText(f: ApiFault): string {
  if (f.kind !== 'http') return loginFaultText(f);
  switch (f.code) {
    case 'FINGERPRINT_MISMATCH':
      return 'Sidik jari tidak cocok. Coba lagi: masukkan PIN Anda, lalu letakkan jari telunjuk kanan Anda sendiri.';
    case 'CHALLENGE_EXPIRED':
      return 'Waktu masuk habis. Masukkan nama pengguna dan PIN lagi.';
    case 'SCANNER_OFFLINE':
      return 'Pemindai sidik jari tidak terhubung. Periksa kabel pemindai atau hubungi teknisi, lalu coba lagi.';
    case 'CAPTURE_TIMEOUT':
      return 'Jari tidak diletakkan pada pemindai dalam 30 detik. Coba lagi.';
    case 'SCANNER_BUSY':
      return 'Pemindai sedang dipakai untuk hal lain. Tunggu sebentar, lalu coba lagi.';
    case 'POOR_IMAGE':
      return 'Gambar sidik jari kurang jelas. Bersihkan jari dan kaca pemindai, lalu coba lagi.';
  }
  if (f.status === 408) return 'Jari tidak diletakkan pada pemindai tepat waktu. Coba lagi.';
  if (f.status === 422) return 'Gambar sidik jari kurang jelas. Bersihkan jari dan kaca pemindai, lalu coba lagi.';
  return loginFaultText(f);
}

export type FingerprintEvent = 'place_finger' | 'hold_still' | 'poor_image' | 'lift_finger';

export const FINGERPRINT_GUIDANCE: Record<FingerprintEvent, string> = {
  place_finger: 'Letakkan jari',
  hold_still: 'Tahan',
  poor_image: 'Gambar kurang jelas, coba lagi',
  lift_finger: 'Angkat jari',
};

export function fingerprintGuidance(event: unknown): string | null {
  return typeof event === 'string' && Object.hasOwn(FINGERPRINT_GUIDANCE, event) ? FINGERPRINT_GUIDANCE[event as FingerprintEvent] : null;
}

/** The supervisor's enrolment of an operator's finger: what a failed capture means. */
export function enrolFaultText(f: ApiFault): string {
  if (f.kind === 'http') {
    if (f.code === 'POOR_QUALITY') return 'Kualitas sidik jari terlalu rendah. Minta petugas meletakkan jari rata di tengah kaca, lalu rekam lagi.';
    if (f.code === 'UNKNOWN_USER') return 'Akun petugas ini tidak ada lagi. Muat ulang halaman.';
    if (f.code === 'NOT_ENROLLED') return 'Petugas ini belum punya sidik jari terekam.';
    if (['CAPTURE_TIMEOUT', 'SCANNER_OFFLINE', 'SCANNER_BUSY', 'POOR_IMAGE'].includes(f.code) || f.status === 408) {
      return fingerprintLoginFaultText(f);
    }
  }
  if (f.kind === 'network') return 'Tidak terhubung ke server. Periksa jaringan, lalu coba lagi.';
  if (f.kind === 'invalid-response') return 'Jawaban server tidak dapat dibaca. Hubungi teknisi.';
  return `Perekaman gagal (${f.code}): ${f.message}`;
}
