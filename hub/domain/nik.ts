/**
 * NIK (Nomor Induk Kependudukan) validation. Pure: the set of district codes is passed in.
 * Layout: digits 1-6 region (province 2, regency 2, district 2), 7-12 birth date DDMMYY with 40
 * added to the day for women, 13-16 a serial that is never 0000.
 */
export type NikErrorCode = 'NIK_LENGTH' | 'NIK_DIGITS' | 'NIK_REGION' | 'NIK_BIRTHDATE' | 'NIK_SERIAL';

export interface NikInfo {
  nik: string;
  regionCode: string;
  birthDate: string; // YYYY-MM-DD
  sex: 'male' | 'female';
}

export type NikResult =
  | { ok: true; value: NikInfo }
  | { ok: false; code: NikErrorCode; field: 'nik'; message: string };

export interface RegionLookup {
  hasDistrict(code6: string): boolean;
}

const fail = (code: NikErrorCode, message: string): NikResult => ({ ok: false, code, field: 'nik', message });

/**
 * Two-digit years are read as the most recent year not after `today`; a birth date in the future
 * or more than 130 years ago is not plausible.
 */
export function parseNikBirthDate(ddmmyy: string, today: Date): { date: string; sex: 'male' | 'female' } | null {
  let day = Number(ddmmyy.slice(0, 2));
  const month = Number(ddmmyy.slice(2, 4));
  const yy = Number(ddmmyy.slice(4, 6));
  let sex: 'male' | 'female' = 'male';
  if (day > 40) { day -= 40; sex = 'female'; }
  if (month < 1 || month > 12 || day < 1) return null;
  const thisYear = today.getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + yy;
  if (year > thisYear) year -= 100;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  const birth = Date.UTC(year, month - 1, day);
  if (birth > today.getTime()) {
    // the same two digits a century earlier
    year -= 100;
  }
  if (thisYear - year > 130) return null;
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { date: iso, sex };
}

export function validateNik(raw: string, regions: RegionLookup, today: Date = new Date()): NikResult {
  const nik = raw.replace(/[\s.-]/g, '');
  if (!/^\d*$/.test(nik)) return fail('NIK_DIGITS', 'NIK may contain digits only');
  if (nik.length !== 16) return fail('NIK_LENGTH', `NIK must have 16 digits, got ${nik.length}`);
  const region = nik.slice(0, 6);
  if (!regions.hasDistrict(region)) return fail('NIK_REGION', `region code ${region} (digits 1-6) is not a known district`);
  const birth = parseNikBirthDate(nik.slice(6, 12), today);
  if (!birth) return fail('NIK_BIRTHDATE', 'digits 7-12 are not a plausible birth date (DDMMYY, women add 40 to the day)');
  if (nik.slice(12) === '0000') return fail('NIK_SERIAL', 'serial number (digits 13-16) cannot be 0000');
  return { ok: true, value: { nik, regionCode: region, birthDate: birth.date, sex: birth.sex } };
}

/** What an operator may see: the first four and the last two digits. */
export function maskNik(nik: string): string {
  if (nik.length !== 16) return '*'.repeat(nik.length);
  return `${nik.slice(0, 4)}${'*'.repeat(10)}${nik.slice(14)}`;
}
