/**
 * The operator's collection assist view as pure rules: the stepper, the words for each state a
 * session can be in, which actions the session's step allows (and why not), the message for each
 * hub error code, and keeping the list of sessions up to date from the socket. The hub's messages
 * are English for the logs; the officer reads the Indonesian here. Unit-tested.
 */
import type { ApiFault } from '../shared/api.ts';
import type { CollectionView, StockItem } from '../shared/collection-schemas.ts';
import { actionFaultText, waitText } from '../shared/staff.ts';

export type Finger = 'rightIndex' | 'leftIndex';
export type Step = CollectionView['step'];
type FingerState = CollectionView['fingers'][Finger];

export const STEPPER = [
  { step: 'card', label: 'Kartu' },
  { step: 'data', label: 'Data' },
  { step: 'fingerprint', label: 'Sidik jari' },
  { step: 'signature', label: 'Tanda tangan' },
  { step: 'receipt', label: 'Tanda terima' },
] as const;

export const LIVE_STEPS: readonly Step[] = ['card', 'data', 'fingerprint', 'signature', 'held'];
export const isLive = (s: Step): boolean => LIVE_STEPS.includes(s);

export const STEP_ID: Record<Step, string> = {
  card: 'Menunggu kartu',
  data: 'Warga memeriksa data',
  fingerprint: 'Verifikasi sidik jari',
  signature: 'Tanda tangan',
  receipt: 'Berhasil — kartu diserahkan',
  failed: 'Gagal — kartu dikembalikan',
  held: 'Ditahan — perlu petugas',
  cancelled: 'Dibatalkan',
  abandoned: 'Ditinggalkan',
};

/** How far along the stepper the session is; the ends outside it sit where they stopped. */
export function stepperState(v: Pick<CollectionView, 'step' | 'chip' | 'fingers' | 'receipt'>): { index: number; stoppedAt: number | null } {
  const i = STEPPER.findIndex((s) => s.step === v.step);
  if (i >= 0) return { index: i, stoppedAt: null };
  // where the session stopped: what it had already done tells
  let at = 0;
  if (v.chip) at = 1;
  const tried = (['rightIndex', 'leftIndex'] as const).some((f) => v.fingers[f].tries > 0 || v.fingers[f].status !== 'pending');
  if (tried || v.step === 'failed') at = 2;
  if (v.receipt) at = 4;
  return { index: at, stoppedAt: at };
}

export const FINGER_ID: Record<Finger, string> = { rightIndex: 'Telunjuk kanan', leftIndex: 'Telunjuk kiri' };

/** "Telunjuk kanan: cocok (percobaan 1/3)" */
export function fingerText(finger: Finger, f: FingerState, maxTries: number): string {
  const name = FINGER_ID[finger];
  switch (f.status) {
    case 'matched':
      return `${name}: cocok (percobaan ${f.tries}/${maxTries})`;
    case 'failed':
      return `${name}: tidak cocok (${f.tries}/${maxTries} percobaan habis)`;
    case 'overridden':
      return `${name}: dilewati petugas${f.override ? ` — ${f.override.reason} (disetujui ${f.override.supervisor})` : ''}`;
    default:
      return f.tries === 0 ? `${name}: belum dipindai (0/${maxTries})` : `${name}: belum cocok (percobaan ${f.tries}/${maxTries})`;
  }
}

const GUIDANCE: Record<string, string> = {
  place_finger: 'Warga diminta meletakkan jari…',
  hold_still: 'Jari di pemindai — tahan',
  poor_image: 'Gambar kurang jelas — minta warga meletakkan lagi',
  lift_finger: 'Jari boleh diangkat',
};
export function guidanceText(event: string): string | null {
  return GUIDANCE[event] ?? null;
}

/** The last try of a finger, as the officer reads it. */
export function lastTryText(t: CollectionView['lastTry']): string | null {
  if (!t) return null;
  const name = FINGER_ID[t.finger];
  if ('error' in t) return `${name}: pemindaian tidak dihitung — ${captureErrorText(t.error.code)}`;
  if (t.match) return `${name}: cocok (skor ${t.score})`;
  return `${name}: tidak cocok (skor ${t.score}), sisa ${t.triesLeft} percobaan`;
}

function captureErrorText(code: string): string {
  switch (code) {
    case 'CAPTURE_TIMEOUT': return 'jari tidak diletakkan tepat waktu';
    case 'POOR_IMAGE': return 'gambar kurang jelas';
    case 'SCANNER_OFFLINE': return 'pemindai tidak terhubung';
    case 'CAPTURE_CANCELLED': return 'pemindaian dibatalkan';
    default: return code;
  }
}

/** The session's notice (card lifted, wrong card…) in words for the officer. */
export function noticeText(n: { code: string; message: string } | null): string | null {
  if (!n) return null;
  switch (n.code) {
    case 'NO_CARD': return 'Belum ada kartu di pembaca. Letakkan kartu warga di pembaca.';
    case 'CARD_UNREADABLE': return 'Kartu tidak terbaca. Letakkan kartu rata di pembaca, lalu baca ulang.';
    case 'WRONG_CARD': return 'Kartu di pembaca BUKAN kartu warga ini. Ambil kartu yang benar dari stok.';
    case 'CARD_REMOVED': return 'Kartu diangkat dari pembaca. Letakkan kembali kartu yang sama untuk melanjutkan.';
    case 'CARD_REFUSED': return 'Kartu ditolak: keaslian data chip tidak dapat dipastikan.';
    default: return `${n.code}: ${n.message}`;
  }
}

/** Why the session is held, and what the officer does about it. */
export function heldText(h: { code: string; message: string } | null): string | null {
  if (!h) return null;
  switch (h.code) {
    case 'DATA_DISCREPANCY': return 'Warga melaporkan data yang salah. Periksa data di bawah, lalu lanjutkan atau batalkan.';
    case 'CARD_REFUSED': return `Kartu ditolak pada pembacaan (autentikasi pasif gagal). Batalkan sesi, lalu kembalikan kartu. (${h.message})`;
    case 'CARD_TEMPLATES_UNREADABLE': return 'Data sidik jari di chip tidak terbaca. Batalkan sesi, lalu kembalikan kartu.';
    default: return `${h.code}: ${h.message}`;
  }
}

export const DATA_FIELD_ID: Record<string, string> = {
  nik: 'NIK', name: 'Nama', placeOfBirth: 'Tempat lahir', dateOfBirth: 'Tanggal lahir', sex: 'Jenis kelamin', address: 'Alamat',
  religion: 'Agama', maritalStatus: 'Status perkawinan', occupation: 'Pekerjaan', photo: 'Foto', signature: 'Tanda tangan',
  other: 'Lainnya', cardSerial: 'No. seri kartu',
};

export const OLD_KTP_ID: Record<'withdrawn' | 'none', string> = { withdrawn: 'KTP lama ditarik', none: 'Tidak ada KTP lama' };

export const IDENTIFIED_BY_ID: Record<CollectionView['identifiedBy'], string> = { nik: 'NIK diketik', ticket: 'nomor antrean', summons: 'surat panggilan' };

export interface ActionState { enabled: boolean; hint?: string }
export interface CollectionActions {
  readCard: ActionState;
  confirmData: ActionState;
  resume: ActionState;
  scan: ActionState;
  cancelScan: ActionState;
  override: ActionState;
  oldKtp: ActionState;
  signStart: ActionState;
  signClear: ActionState;
  signAccept: ActionState;
  reprint: ActionState;
  cancel: ActionState;
  close: ActionState;
}

/** Which buttons the session's step allows; a disabled one says why when the officer may wonder. */
export function collectionActions(v: CollectionView): CollectionActions {
  const on: ActionState = { enabled: true };
  const off = (hint?: string): ActionState => (hint ? { enabled: false, hint } : { enabled: false });
  const live = isLive(v.step);
  const cardBack = v.cardAway ? off('Letakkan kembali kartu di pembaca') : on;
  const busyScan = v.capturing ? off('Sedang memindai') : null;
  const a: CollectionActions = {
    readCard: off(), confirmData: off(), resume: off(), scan: off(), cancelScan: off(), override: off(), oldKtp: off(),
    signStart: off(), signClear: off(), signAccept: off(), reprint: off(), cancel: live ? on : off(), close: live ? off() : on,
  };
  if (live) a.oldKtp = on;
  if ((v.step === 'card' || v.cardAway) && live) a.readCard = v.reading ? off('Sedang membaca kartu') : on;
  if (v.step === 'data') a.confirmData = cardBack;
  if (v.step === 'held') a.resume = v.chip ? on : off('Kartu ditolak: tidak bisa dilanjutkan');
  if (v.step === 'fingerprint') {
    a.scan = v.cardAway ? cardBack : busyScan ?? (v.currentFinger ? on : off());
    a.cancelScan = v.capturing ? on : off();
    a.override = overridableFingers(v).length > 0 ? on : off('Satu jari harus tetap cocok');
  }
  if (v.step === 'signature') {
    a.signStart = on;
    a.signClear = on;
    a.signAccept = !v.oldKtp ? off('Konfirmasi KTP lama dulu') : cardBack;
  }
  if (v.step === 'receipt' && v.receipt) a.reprint = on;
  return a;
}

/** Fingers an officer may pass over now: still pending, and the other one not given up already. */
export function overridableFingers(v: Pick<CollectionView, 'fingers'>): Finger[] {
  const fs: Finger[] = ['rightIndex', 'leftIndex'];
  return fs.filter((f) => {
    const other = fs.find((o) => o !== f)!;
    return v.fingers[f].status === 'pending' && v.fingers[other].status !== 'overridden' && v.fingers[other].status !== 'failed';
  });
}

/** What the officer reads when a collection action fails. */
export function collectionFaultText(f: ApiFault): string {
  if (f.kind !== 'http') return actionFaultText(f);
  switch (f.code) {
    case 'BAD_CREDENTIALS': return 'Nama pengguna atau PIN supervisor salah.';
    case 'TOO_MANY_ATTEMPTS':
      return f.retryAfterSeconds ? `Terlalu banyak PIN salah. Coba lagi dalam ${waitText(f.retryAfterSeconds)}.` : 'Terlalu banyak PIN salah. Tunggu sebentar, lalu coba lagi.';
    case 'NOT_A_SUPERVISOR': return 'Akun yang menyetujui bukan supervisor. Minta supervisor memasukkan nama pengguna dan PIN-nya.';
    case 'SAME_PERSON': return 'Persetujuan harus dari supervisor lain, bukan dari Anda sendiri.';
    case 'NO_FINGER_LEFT': return 'Tidak bisa: minimal satu jari telunjuk harus cocok dengan chip. Pindai jari yang lain.';
    case 'FINGER_NOT_PENDING': return 'Jari ini sudah selesai diverifikasi (cocok, gagal, atau sudah dilewati).';
    case 'OFFICER_CONFIRMATION_NEEDED': return 'Konfirmasi KTP lama dulu (ditarik atau tidak ada).';
    case 'EMPTY_SIGNATURE': return 'Belum ada tanda tangan di alat tanda tangan.';
    case 'PAD_OFFLINE': return 'Alat tanda tangan tidak terhubung. Periksa kabelnya.';
    case 'CARD_REMOVED': return 'Kartu diangkat dari pembaca. Letakkan kembali kartu yang sama.';
    case 'CAPTURE_IN_PROGRESS': return 'Pemindaian sedang berjalan. Tunggu hasilnya atau batalkan dulu.';
    case 'WRONG_STEP': return 'Langkah ini sudah lewat. Layar sudah diperbarui, periksa langkah sekarang.';
    case 'SESSION_ENDED': return 'Sesi ini sudah berakhir.';
    case 'SESSION_LIVE': return 'Sesi masih berjalan. Batalkan dulu bila ingin menutupnya.';
    case 'UNKNOWN_COLLECTION': return 'Sesi ini tidak ada lagi (sudah ditutup).';
    case 'NO_RECEIPT': return 'Sesi ini tidak punya tanda terima untuk dicetak.';
    case 'CARD_REFUSED': return 'Kartu yang ditolak tidak bisa diserahkan. Batalkan sesi, lalu kembalikan kartu.';
    case 'READER_OFFLINE': return 'Pembaca kartu tidak terpasang di loket ini.';
    case 'CARD_NOT_IN_STOCK': return 'Kartu ini tidak ada lagi di stok (sudah diambil atau dikembalikan).';
    case 'INVALID_INPUT': return `Isian belum lengkap${f.field ? ` (${f.field})` : ''}: ${f.message}`;
  }
  return actionFaultText(f);
}

/** A 401 that means the officer's own sign-in is gone (not a supervisor's wrong PIN). */
export function isOwnSessionFault(f: ApiFault): boolean {
  return f.kind === 'http' && f.status === 401 && f.code !== 'BAD_CREDENTIALS';
}

/** The override form is ready to send: a finger, a reason the hub accepts, the supervisor's name and PIN. */
export function overrideFormProblem(form: { finger: Finger | ''; reason: string; username: string; pin: string }): string | null {
  if (!form.finger) return 'Pilih jari yang dilewati.';
  if (form.reason.trim().length < 5) return 'Tulis alasannya (minimal 5 huruf), misalnya "jari terluka".';
  if (!form.username.trim()) return 'Isi nama pengguna supervisor.';
  if (!form.pin) return 'Supervisor mengisi PIN-nya.';
  return null;
}

/** Sessions by id, newest change wins; the list shows live ones first, then by start time. */
export function upsertSession(list: readonly CollectionView[], v: CollectionView): CollectionView[] {
  const i = list.findIndex((x) => x.id === v.id);
  if (i < 0) return [...list, v];
  const next = [...list];
  next[i] = v;
  return next;
}

export function removeSession(list: readonly CollectionView[], id: string): CollectionView[] {
  return list.filter((x) => x.id !== id);
}

/**
 * The officer list fetched on (re)connect replaces what the screen had, except sessions that a
 * socket event updated while the request was on its way (the event is newer than the answer).
 */
export function mergeFetched(fetched: readonly CollectionView[], current: readonly CollectionView[], touchedDuringFetch: ReadonlySet<string>, endedDuringFetch: ReadonlySet<string>): CollectionView[] {
  const out = fetched.filter((v) => !endedDuringFetch.has(v.id)).map((v) => (touchedDuringFetch.has(v.id) ? current.find((c) => c.id === v.id) ?? v : v));
  for (const c of current) if (touchedDuringFetch.has(c.id) && !out.some((o) => o.id === c.id)) out.push(c);
  return out;
}

export function sortSessions(list: readonly CollectionView[]): CollectionView[] {
  return [...list].sort((a, b) => Number(isLive(b.step)) - Number(isLive(a.step)) || a.startedAt.localeCompare(b.startedAt));
}

/** A session needs the officer now: held, failed, the old KTP question open at signature, or a notice. */
export function needsOfficer(v: CollectionView): boolean {
  return v.step === 'held' || v.step === 'failed' || (v.step === 'signature' && !v.oldKtp) || v.notice !== null || v.cardAway;
}

/** One line per stock card for the lists. */
export function stockLine(s: StockItem): string {
  return `${s.fullName} · ${s.nikMasked} · ${s.cardSerial}`;
}

/** The reason to return a card is long enough for the hub (3 characters after trimming). */
export function returnReasonOk(reason: string): boolean {
  return reason.trim().length >= 3;
}

/** A state change worth reading the stock lists again for (a result changes the stock). */
export function changesStock(prev: Step | undefined, next: Step): boolean {
  return prev !== next && (next === 'receipt' || next === 'failed' || next === 'cancelled');
}
