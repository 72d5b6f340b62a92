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

export type BirthDateProblem = 'day' | 'month' | 'no-such-date';

export type NikResult =
  | { ok: true; value: NikInfo }
  | { ok: false; code: Exclude<NikErrorCode, 'NIK_BIRTHDATE'>; field: 'nik'; message: string }
  | { ok: false; code: 'NIK_BIRTHDATE'; field: 'nik'; message: string; problem: BirthDateProblem };

export interface RegionLookup {
  hasDistrict(code6: string): boolean;
}

const fail = (code: Exclude<NikErrorCode, 'NIK_BIRTHDATE'>, message: string): NikResult => ({ ok: false, code, field: 'nik', message });

export interface NikBirthDigits {
  day: number;
  month: number;
  /** two digits: the century cannot be read from a NIK */
  yy: number;
  sex: 'male' | 'female';
}

/** Reads DDMMYY (digits 7-12); women's days carry +40, so a day is 1-31 or 41-71. */
export function decodeNikBirthDigits(digits6: string): { ok: true; value: NikBirthDigits } | { ok: false; problem: BirthDateProblem } {
  if (!/^\d{6}$/.test(digits6)) return { ok: false, problem: 'day' };
  const rawDay = Number(digits6.slice(0, 2));
  const month = Number(digits6.slice(2, 4));
  const yy = Number(digits6.slice(4, 6));
  let day: number;
  let sex: NikBirthDigits['sex'];
  if (rawDay >= 1 && rawDay <= 31) { day = rawDay; sex = 'male'; }
  else if (rawDay >= 41 && rawDay <= 71) { day = rawDay - 40; sex = 'female'; }
  else return { ok: false, problem: 'day' };
  if (month < 1 || month > 12) return { ok: false, problem: 'month' };
  // the century is unknown here: 29 February passes when 19yy or 20yy is a leap year
  const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const maxDay = month === 2 ? (leap(1900 + yy) || leap(2000 + yy) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (day > maxDay) return { ok: false, problem: 'no-such-date' };
  return { ok: true, value: { day, month, yy, sex } };
}

/**
 * The birth date with its century: the most recent year with those two digits that is not in the
 * future.
 */
export function parseNikBirthDate(ddmmyy: string, today: Date): { date: string; sex: 'male' | 'female' } | null {
  const d = decodeNikBirthDigits(ddmmyy);
  if (!d.ok) return null;
  const { day, month, yy, sex } = d.value;
  const thisYear = today.getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + yy;
  if (year > thisYear || Date.UTC(year, month - 1, day) > today.getTime()) year -= 100;
  if (new Date(Date.UTC(year, month, 0)).getUTCDate() < day) return null;
  const iso = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return { date: iso, sex };
}

/**
 * Checks a NIK in the order a resident would fix it: digits only, 16 of them, a known district,
 * a birth date that exists, a serial that is not 0000. The kiosk runs the same rules before
 * sending; the hub is the authority.
 */
export function validateNik(nik: string, regions: RegionLookup, today: Date = new Date()): NikResult {
  if (!/^\d*$/.test(nik)) return fail('NIK_DIGITS', 'NIK may contain digits only');
  if (nik.length !== 16) return fail('NIK_LENGTH', `NIK must have 16 digits, got ${nik.length}`);
  const region = nik.slice(0, 6);
  if (!regions.hasDistrict(region)) return fail('NIK_REGION', `region code ${region} (digits 1-6) is not a known district`);
  const digits = decodeNikBirthDigits(nik.slice(6, 12));
  const birth = digits.ok ? parseNikBirthDate(nik.slice(6, 12), today) : null;
  if (!birth) {
    return { ok: false, code: 'NIK_BIRTHDATE', field: 'nik', problem: digits.ok ? 'no-such-date' : digits.problem,
      message: 'digits 7-12 are not a plausible birth date (DDMMYY, women add 40 to the day)' };
  }
  if (nik.slice(12) === '0000') return fail('NIK_SERIAL', 'serial number (digits 13-16) cannot be 0000');
  return { ok: true, value: { nik, regionCode: region, birthDate: birth.date, sex: birth.sex } };
}

/** What an operator may see: the first four and the last two digits. */
export function maskNik(nik: string): string {
  if (nik.length !== 16) return '*'.repeat(nik.length);
  return `${nik.slice(0, 4)}${'*'.repeat(10)}${nik.slice(14)}`;
}
