/**
 * The office's services by default, from SOP 7.2.1.1: what each is for, its ticket prefix, the
 * standard time (mutu baku) of its counter step, and what the resident must bring.
 */
export interface Requirement { id: string; textId: string; textEn: string }
export interface Service {
  code: string;
  prefix: string;
  nameId: string;
  nameEn: string;
  /** SOP standard minutes for the counter work of this service */
  standardMinutes: number;
  requirements: Requirement[];
}

const R = {
  kk: { id: 'kk', textId: 'Fotokopi Kartu Keluarga (KK)', textEn: 'Photocopy of the family card (KK)' },
  rtrw: { id: 'rtrw', textId: 'Surat pengantar dari RT/RW', textEn: 'Cover letter from the RT/RW head' },
  summons: { id: 'summons', textId: 'Surat panggilan / bukti perekaman', textEn: 'Summons letter / recording receipt' },
  oldKtp: { id: 'old-ktp', textId: 'KTP lama (bila ada), untuk ditarik', textEn: 'Old ID card (if any), to be withdrawn' },
  damaged: { id: 'damaged', textId: 'KTP-el yang rusak', textEn: 'The damaged KTP-el' },
  police: { id: 'police', textId: 'Surat keterangan kehilangan dari kepolisian (bila hilang)', textEn: 'Police loss report (if lost)' },
  moving: { id: 'moving', textId: 'Surat keterangan pindah', textEn: 'Certificate of moving' },
} satisfies Record<string, Requirement>;

export const DEFAULT_SERVICES: Service[] = [
  { code: 'A', prefix: 'A', nameId: 'Perekaman KTP-el', nameEn: 'KTP-el recording', standardMinutes: 4, requirements: [R.kk, R.rtrw, R.oldKtp] },
  // collection: 1:1 verification (2 min) then handover (1 min)
  { code: 'B', prefix: 'B', nameId: 'Pengambilan KTP-el', nameEn: 'KTP-el collection', standardMinutes: 3, requirements: [R.summons, R.oldKtp] },
  { code: 'C', prefix: 'C', nameId: 'Penggantian KTP-el (rusak/hilang)', nameEn: 'KTP-el replacement (damaged/lost)', standardMinutes: 4, requirements: [R.kk, R.damaged, R.police] },
  { code: 'D', prefix: 'D', nameId: 'Pindah datang', nameEn: 'Moved in', standardMinutes: 4, requirements: [R.kk, R.rtrw, R.moving] },
];

/** SOP standard minutes of each step, shown on the supervisor page */
export const SOP_STANDARD_MINUTES = { intake: 2, recording: 4, verification: 2, handover: 1 } as const;

export const DEFAULT_COUNTERS = [
  { id: 'loket-1', name: 'Loket 1', serviceCodes: ['A', 'C', 'D'] },
  { id: 'loket-2', name: 'Loket 2', serviceCodes: ['A', 'B', 'C', 'D'] },
  { id: 'loket-3', name: 'Loket 3', serviceCodes: ['B'] },
];
