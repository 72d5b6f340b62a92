/**
 * What the collection kiosk says to the resident, in Indonesian first and English: each step's
 * instructions, the live fingerprint guidance, and a plain message for every hub error code the
 * flow can meet. Pure and unit-tested; the screen never shows the hub's English messages.
 */
import type { Lang } from '../kiosk/nik.ts';

export type { Lang };
export type Finger = 'rightIndex' | 'leftIndex';

const T = {
  id: {
    title: 'Pengambilan KTP-el',
    identifyLead: 'Pindai kode QR pada surat panggilan atau nomor antrean Anda, atau ketik NIK Anda.',
    scanLabel: 'Kode QR (pindai di sini)',
    nikLabel: 'Atau ketik NIK (16 angka)',
    start: 'Lanjut',
    clear: 'Hapus',
    backspace: 'Hapus satu angka',
    steps: ['Kartu', 'Data', 'Sidik jari', 'Tanda tangan', 'Tanda terima'],
    cardLead: 'Petugas akan meletakkan kartu KTP-el Anda pada pembaca kartu.',
    cardReading: 'Membaca chip kartu…',
    readAgain: 'Baca ulang kartu',
    dataLead: 'Periksa data di dalam chip kartu Anda. Apakah semuanya benar?',
    chip: 'Data chip',
    record: 'Data perekaman',
    authentic: 'Data chip asli: tanda tangan elektronik sah.',
    dataRight: 'Ya, data benar',
    dataWrong: 'Ada yang salah',
    whichWrong: 'Pilih data yang salah, lalu kirim ke petugas.',
    send: 'Kirim ke petugas',
    back: 'Kembali',
    fingerLead: (f: Finger) => `Letakkan jari ${f === 'rightIndex' ? 'TELUNJUK KANAN' : 'TELUNJUK KIRI'} Anda pada pemindai.`,
    fingerName: (f: Finger) => (f === 'rightIndex' ? 'Telunjuk kanan' : 'Telunjuk kiri'),
    tryOf: (n: number, max: number) => `Percobaan ${n} dari ${max}`,
    scan: 'Mulai pindai',
    scanning: 'Memindai… letakkan jari sekarang',
    matched: 'Cocok',
    noMatch: (left: number) => `Sidik jari belum cocok. Sisa percobaan: ${left}. Bersihkan jari, letakkan rata di tengah kaca, lalu coba lagi.`,
    overridden: 'Dilewati oleh petugas',
    signLead: 'Tanda tangani tanda terima pada bantalan tanda tangan.',
    signClear: 'Ulangi',
    signDone: 'Selesai tanda tangan',
    waitOfficer: 'Menunggu petugas mengonfirmasi KTP lama Anda…',
    receiptTitle: 'Tanda terima KTP-el',
    receiptLead: 'KTP-el Anda telah diserahkan. Terima kasih.',
    printedOk: 'Tanda terima telah dicetak. Ambil dari printer.',
    printedFail: 'Tanda terima tidak tercetak. Petugas akan mencetak ulang untuk Anda.',
    finish: 'Selesai',
    failedTitle: 'Verifikasi tidak berhasil',
    failedBody: 'Sidik jari Anda tidak cocok dengan data chip kartu. Kartu disimpan petugas untuk dikembalikan ke Kemendagri. Silakan menuju loket petugas.',
    heldTitle: 'Mohon tunggu, petugas akan membantu Anda',
    heldDiscrepancy: 'Anda melaporkan data yang salah. Petugas akan memeriksanya.',
    heldRefused: 'Kartu ini ditolak: data chip tidak dapat dipastikan keasliannya. Petugas akan membantu Anda.',
    cancelledTitle: 'Sesi dihentikan',
    cancelledBody: 'Sesi pengambilan dihentikan oleh petugas. Silakan menuju loket petugas.',
    idleTitle: 'Masih di sini?',
    idleBody: 'Sentuh layar untuk melanjutkan.',
    offline: 'Tidak terhubung ke server. Mohon tunggu atau minta bantuan petugas.',
    lang: 'English',
  },
  en: {
    title: 'KTP-el collection',
    identifyLead: 'Scan the QR code on your summons letter or queue ticket, or type your NIK.',
    scanLabel: 'QR code (scan here)',
    nikLabel: 'Or type your NIK (16 digits)',
    start: 'Continue',
    clear: 'Clear',
    backspace: 'Delete one digit',
    steps: ['Card', 'Data', 'Fingerprint', 'Signature', 'Receipt'],
    cardLead: 'The officer will put your KTP-el on the card reader.',
    cardReading: 'Reading the card chip…',
    readAgain: 'Read the card again',
    dataLead: 'Check the data in your card chip. Is everything right?',
    chip: 'Chip data',
    record: 'Recorded data',
    authentic: 'The chip data are genuine: the electronic signature is valid.',
    dataRight: 'Yes, the data are right',
    dataWrong: 'Something is wrong',
    whichWrong: 'Choose what is wrong, then send it to the officer.',
    send: 'Send to the officer',
    back: 'Back',
    fingerLead: (f: Finger) => `Put your ${f === 'rightIndex' ? 'RIGHT INDEX' : 'LEFT INDEX'} finger on the scanner.`,
    fingerName: (f: Finger) => (f === 'rightIndex' ? 'Right index' : 'Left index'),
    tryOf: (n: number, max: number) => `Try ${n} of ${max}`,
    scan: 'Start scan',
    scanning: 'Scanning… place your finger now',
    matched: 'Match',
    noMatch: (left: number) => `The fingerprint did not match yet. Tries left: ${left}. Clean your finger, place it flat in the middle of the glass, and try again.`,
    overridden: 'Passed over by the officer',
    signLead: 'Sign the receipt on the signature pad.',
    signClear: 'Sign again',
    signDone: 'Done signing',
    waitOfficer: 'Waiting for the officer to confirm your old ID card…',
    receiptTitle: 'KTP-el receipt',
    receiptLead: 'Your KTP-el has been handed over. Thank you.',
    printedOk: 'The receipt was printed. Take it from the printer.',
    printedFail: 'The receipt did not print. The officer will print it again for you.',
    finish: 'Done',
    failedTitle: 'Verification failed',
    failedBody: 'Your fingerprints do not match the card chip. The officer keeps the card to return it to Kemendagri. Please go to the officer\'s counter.',
    heldTitle: 'Please wait, an officer will help you',
    heldDiscrepancy: 'You reported wrong data. The officer will check it.',
    heldRefused: 'This card was refused: the chip data cannot be verified as genuine. The officer will help you.',
    cancelledTitle: 'Session stopped',
    cancelledBody: 'The officer stopped this collection. Please go to the officer\'s counter.',
    idleTitle: 'Still there?',
    idleBody: 'Touch the screen to continue.',
    offline: 'Not connected to the server. Please wait or ask an officer.',
    lang: 'Bahasa Indonesia',
  },
} as const;

export type CollectionText = (typeof T)['id'] | (typeof T)['en'];
export const texts: Record<Lang, CollectionText> = T;

/** The stepper's position (0-based) of each hub step; null for the ends outside the stepper. */
export function stepIndex(step: string): number | null {
  const i = ['card', 'data', 'fingerprint', 'signature', 'receipt'].indexOf(step);
  return i < 0 ? null : i;
}

const GUIDANCE: Record<Lang, Record<string, string>> = {
  id: { place_finger: 'Letakkan jari pada pemindai', hold_still: 'Tahan… jangan bergerak', poor_image: 'Gambar kurang jelas, letakkan lagi', lift_finger: 'Angkat jari' },
  en: { place_finger: 'Place your finger on the scanner', hold_still: 'Hold still…', poor_image: 'Image unclear, place it again', lift_finger: 'Lift your finger' },
};

export function guidanceText(event: string, lang: Lang): string | null {
  return GUIDANCE[lang][event] ?? null;
}

const FAULTS: Record<Lang, Record<string, string>> = {
  id: {
    NO_CARD_IN_STOCK: 'Kartu KTP-el Anda belum ada di kantor ini. Silakan tanyakan di loket petugas.',
    CARD_ALREADY_COLLECTED: 'Kartu KTP-el Anda sudah diambil sebelumnya. Bila ada masalah, tanyakan di loket petugas.',
    CARD_RETURNED: 'Kartu Anda dikembalikan untuk dicetak ulang. Silakan tanyakan di loket petugas.',
    COLLECTION_IN_PROGRESS: 'Kartu ini sedang diproses di kios lain. Silakan tanyakan di loket petugas.',
    UNKNOWN_CODE: 'Kode QR ini tidak dikenali. Pindai surat panggilan atau nomor antrean dari kantor ini, atau ketik NIK Anda.',
    NIK_LENGTH: 'NIK harus 16 angka.',
    NIK_DIGITS: 'NIK hanya berisi angka.',
    NIK_REGION: 'Kode wilayah NIK (6 angka pertama) tidak dikenal. Periksa kembali NIK Anda.',
    NIK_BIRTHDATE: 'Tanggal lahir dalam NIK (angka 7–12) tidak valid. Periksa kembali NIK Anda.',
    NIK_SERIAL: 'Nomor urut NIK (4 angka terakhir) tidak boleh 0000.',
    NO_CARD: 'Belum ada kartu pada pembaca. Petugas akan meletakkannya.',
    CARD_UNREADABLE: 'Kartu tidak terbaca. Letakkan kartu rata pada pembaca, lalu coba lagi.',
    WRONG_CARD: 'Kartu ini bukan kartu Anda. Petugas akan meletakkan kartu yang benar.',
    CARD_REMOVED: 'Kartu diangkat dari pembaca. Letakkan kembali kartu yang sama untuk melanjutkan.',
    CAPTURE_TIMEOUT: 'Jari tidak diletakkan tepat waktu. Tekan "Mulai pindai" dan letakkan jari.',
    POOR_IMAGE: 'Gambar sidik jari kurang jelas. Bersihkan jari dan kaca pemindai, lalu coba lagi.',
    SCANNER_OFFLINE: 'Pemindai sidik jari tidak terhubung. Minta bantuan petugas.',
    SCANNER_BUSY: 'Pemindai sedang dipakai. Tunggu sebentar, lalu coba lagi.',
    CAPTURE_CANCELLED: 'Pemindaian dibatalkan.',
    CAPTURE_IN_PROGRESS: 'Pemindaian sedang berjalan. Letakkan jari pada pemindai.',
    PAD_OFFLINE: 'Bantalan tanda tangan tidak terhubung. Minta bantuan petugas.',
    EMPTY_SIGNATURE: 'Belum ada tanda tangan. Tanda tangani pada bantalan, lalu tekan "Selesai tanda tangan".',
    OFFICER_CONFIRMATION_NEEDED: 'Menunggu petugas mengonfirmasi KTP lama Anda.',
    READER_OFFLINE: 'Pembaca kartu tidak terhubung. Minta bantuan petugas.',
    SESSION_ENDED: 'Sesi ini sudah berakhir.',
    UNKNOWN_COLLECTION: 'Sesi ini sudah berakhir. Silakan mulai lagi.',
    WRONG_STEP: 'Langkah ini sudah lewat. Layar diperbarui.',
    network: 'Tidak terhubung ke server. Mohon tunggu atau minta bantuan petugas.',
  },
  en: {
    NO_CARD_IN_STOCK: 'Your KTP-el is not at this office yet. Please ask at the officer\'s counter.',
    CARD_ALREADY_COLLECTED: 'Your KTP-el was already collected. If something is wrong, ask at the officer\'s counter.',
    CARD_RETURNED: 'Your card was returned for reprinting. Please ask at the officer\'s counter.',
    COLLECTION_IN_PROGRESS: 'This card is being handled at another kiosk. Please ask at the officer\'s counter.',
    UNKNOWN_CODE: 'This QR code is not recognised. Scan the summons letter or queue ticket from this office, or type your NIK.',
    NIK_LENGTH: 'The NIK has 16 digits.',
    NIK_DIGITS: 'The NIK has digits only.',
    NIK_REGION: 'The NIK\'s region code (first 6 digits) is unknown. Check your NIK.',
    NIK_BIRTHDATE: 'The birth date in the NIK (digits 7–12) is not valid. Check your NIK.',
    NIK_SERIAL: 'The NIK\'s serial (last 4 digits) cannot be 0000.',
    NO_CARD: 'No card on the reader yet. The officer will put it there.',
    CARD_UNREADABLE: 'The card could not be read. Put it flat on the reader and try again.',
    WRONG_CARD: 'This is not your card. The officer will put the right card on the reader.',
    CARD_REMOVED: 'The card was lifted from the reader. Put the same card back to continue.',
    CAPTURE_TIMEOUT: 'No finger was placed in time. Press "Start scan" and place your finger.',
    POOR_IMAGE: 'The fingerprint image is unclear. Clean your finger and the glass, then try again.',
    SCANNER_OFFLINE: 'The fingerprint scanner is not connected. Ask an officer for help.',
    SCANNER_BUSY: 'The scanner is busy. Wait a moment and try again.',
    CAPTURE_CANCELLED: 'The scan was cancelled.',
    CAPTURE_IN_PROGRESS: 'A scan is running. Place your finger on the scanner.',
    PAD_OFFLINE: 'The signature pad is not connected. Ask an officer for help.',
    EMPTY_SIGNATURE: 'There is no signature yet. Sign on the pad, then press "Done signing".',
    OFFICER_CONFIRMATION_NEEDED: 'Waiting for the officer to confirm your old ID card.',
    READER_OFFLINE: 'The card reader is not connected. Ask an officer for help.',
    SESSION_ENDED: 'This session has ended.',
    UNKNOWN_COLLECTION: 'This session has ended. Please start again.',
    WRONG_STEP: 'This step is already over. The screen was refreshed.',
    network: 'Not connected to the server. Please wait or ask an officer.',
  },
};

/** The resident's message for a hub error code (or a notice code); a generic one for the unknown. */
export function faultText(code: string, lang: Lang): string {
  return FAULTS[lang][code] ?? (lang === 'id' ? `Terjadi kesalahan (${code}). Minta bantuan petugas.` : `Something went wrong (${code}). Ask an officer for help.`);
}

/** Chip fields shown to the resident, in the order of the printed card. */
export const CHIP_FIELDS: { key: string; id: string; en: string }[] = [
  { key: 'nik', id: 'NIK', en: 'NIK' },
  { key: 'name', id: 'Nama', en: 'Name' },
  { key: 'placeOfBirth', id: 'Tempat lahir', en: 'Place of birth' },
  { key: 'dateOfBirth', id: 'Tanggal lahir', en: 'Date of birth' },
  { key: 'sex', id: 'Jenis kelamin', en: 'Sex' },
  { key: 'address', id: 'Alamat', en: 'Address' },
  { key: 'religion', id: 'Agama', en: 'Religion' },
  { key: 'maritalStatus', id: 'Status perkawinan', en: 'Marital status' },
  { key: 'occupation', id: 'Pekerjaan', en: 'Occupation' },
];

/** What the resident may report as wrong (the hub's DataField values). */
export const REPORTABLE: { key: string; id: string; en: string }[] = [
  ...CHIP_FIELDS,
  { key: 'photo', id: 'Foto', en: 'Photo' },
  { key: 'signature', id: 'Tanda tangan', en: 'Signature' },
  { key: 'other', id: 'Lainnya', en: 'Other' },
];
