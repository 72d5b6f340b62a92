/**
 * The kiosk's own check of a NIK before it goes to the hub, and the resident-facing message for
 * each fault, in Indonesian and English. The hub checks again and is the authority; its error codes
 * are the same (NIK_LENGTH, NIK_DIGITS, NIK_REGION, NIK_BIRTHDATE, NIK_SERIAL).
 *
 * NIK layout: digits 1-6 region (province 2, regency 2, district 2), 7-12 birth date DDMMYY with 40
 * added to the day for women, 13-16 serial number (never 0000).
 */
import { decodeNikBirthDigits, validateNik, type BirthDateProblem, type NikBirthDigits } from '../../hub/domain/index.ts';

export type Lang = 'id' | 'en';

export const NIK_LENGTH = 16;

export type { BirthDateProblem };

export type NikFault =
  | { code: 'NIK_LENGTH'; got: number }
  | { code: 'NIK_DIGITS' }
  | { code: 'NIK_REGION'; region: string }
  | { code: 'NIK_BIRTHDATE'; digits: string; problem: BirthDateProblem }
  | { code: 'NIK_SERIAL' };

export type NikCode = NikFault['code'];

export type BirthInfo = NikBirthDigits;

/** Reads DDMMYY (digits 7-12); women's days carry +40. The rule is the hub's (hub/domain). */
export const decodeBirthDate = decodeNikBirthDigits;

export interface NikCheckOptions {
  /**
   * Whether a 6-digit region code is a known district. Without it the region is not checked here
   * (the hub still checks it).
   */
  regionKnown?: (code: string) => boolean;
}

/**
 * The first fault of a NIK in the order a resident would fix them, or null when it passes: the
 * hub's own rules (hub/domain/nik.ts), with the detail the kiosk's messages need.
 */
export function checkNik(nik: string, opts: NikCheckOptions = {}, today: Date = new Date()): NikFault | null {
  const r = validateNik(nik, { hasDistrict: opts.regionKnown ?? (() => true) }, today);
  if (r.ok) return null;
  switch (r.code) {
    case 'NIK_LENGTH': return { code: r.code, got: nik.length };
    case 'NIK_DIGITS': return { code: r.code };
    case 'NIK_REGION': return { code: r.code, region: nik.slice(0, 6) };
    case 'NIK_BIRTHDATE': return { code: r.code, digits: nik.slice(6, 12), problem: r.problem };
    case 'NIK_SERIAL': return { code: r.code };
  }
}

const NIK_CODES: readonly string[] = ['NIK_LENGTH', 'NIK_DIGITS', 'NIK_REGION', 'NIK_BIRTHDATE', 'NIK_SERIAL'];

export function isNikCode(code: string): code is NikCode {
  return NIK_CODES.includes(code);
}

/**
 * The hub refused the NIK with `code`: rebuild the detailed fault from the NIK the kiosk sent, so the
 * resident reads the same specific message as for a local check.
 */
export function faultFromHub(code: NikCode, nik: string): NikFault {
  switch (code) {
    case 'NIK_LENGTH':
      return { code, got: nik.length };
    case 'NIK_DIGITS':
      return { code };
    case 'NIK_REGION':
      return { code, region: nik.slice(0, 6) };
    case 'NIK_BIRTHDATE': {
      const digits = nik.slice(6, 12);
      const b = decodeBirthDate(digits);
      // the hub may apply a rule the kiosk does not know (a date in the future): say it generally
      return { code, digits, problem: b.ok ? 'no-such-date' : b.problem };
    }
    case 'NIK_SERIAL':
      return { code };
  }
}

/** "3201014508900001" -> "320101 450890 0001"; a partial NIK is grouped as far as it goes. */
export function groupNik(digits: string): string {
  const parts = [digits.slice(0, 6), digits.slice(6, 12), digits.slice(12, 16)].filter((p) => p.length > 0);
  return parts.join(' ');
}

/** The message a resident reads for a fault: what is wrong and what to do about it. */
export function nikFaultMessage(f: NikFault, lang: Lang): string {
  if (lang === 'en') {
    switch (f.code) {
      case 'NIK_LENGTH':
        return f.got === 0
          ? 'Please enter the 16 digits of your NIK.'
          : f.got < NIK_LENGTH
            ? `The NIK must have 16 digits — you have entered only ${f.got} ${f.got === 1 ? 'digit' : 'digits'}.`
            : `The NIK must have 16 digits — you have entered ${f.got}.`;
      case 'NIK_DIGITS':
        return 'The NIK may contain digits only (0–9).';
      case 'NIK_REGION':
        return `Region code ${f.region} is not known. Check the first 6 digits of your NIK.`;
      case 'NIK_BIRTHDATE':
        return `The birth date in the NIK is not valid (digits 7–12: ${f.digits}). ${birthProblemEn(f)}`;
      case 'NIK_SERIAL':
        return 'The last 4 digits of the NIK (the serial number) cannot be 0000. Check the end of your NIK.';
    }
  }
  switch (f.code) {
    case 'NIK_LENGTH':
      return f.got === 0
        ? 'Silakan masukkan 16 digit NIK Anda.'
        : f.got < NIK_LENGTH
          ? `NIK harus 16 digit — Anda baru memasukkan ${f.got} digit.`
          : `NIK harus 16 digit — Anda memasukkan ${f.got} digit.`;
    case 'NIK_DIGITS':
      return 'NIK hanya boleh berisi angka (0–9).';
    case 'NIK_REGION':
      return `Kode wilayah ${f.region} tidak dikenal. Periksa 6 digit pertama NIK Anda.`;
    case 'NIK_BIRTHDATE':
      return `Tanggal lahir dalam NIK tidak valid (digit 7–12: ${f.digits}). ${birthProblemId(f)}`;
    case 'NIK_SERIAL':
      return 'Nomor urut dalam NIK (4 digit terakhir) tidak boleh 0000. Periksa akhir NIK Anda.';
  }
}

function birthProblemId(f: Extract<NikFault, { code: 'NIK_BIRTHDATE' }>): string {
  switch (f.problem) {
    case 'day':
      return `Tanggal "${f.digits.slice(0, 2)}" tidak mungkin: harus 01–31 (laki-laki) atau 41–71 (perempuan).`;
    case 'month':
      return `Bulan "${f.digits.slice(2, 4)}" tidak ada: harus 01–12.`;
    case 'no-such-date':
      return 'Tanggal tersebut tidak ada di kalender. Periksa kembali NIK Anda.';
  }
}

function birthProblemEn(f: Extract<NikFault, { code: 'NIK_BIRTHDATE' }>): string {
  switch (f.problem) {
    case 'day':
      return `Day "${f.digits.slice(0, 2)}" is impossible: it must be 01–31 (men) or 41–71 (women).`;
    case 'month':
      return `Month "${f.digits.slice(2, 4)}" does not exist: it must be 01–12.`;
    case 'no-such-date':
      return 'That date does not exist in the calendar. Please check your NIK again.';
  }
}

/** A lookup over the compact district code list the build compiles in (6 digits per code). */
export function regionLookup(packedCodes: string): (code: string) => boolean {
  const set = new Set<string>();
  for (let i = 0; i + 6 <= packedCodes.length; i += 6) set.add(packedCodes.slice(i, i + 6));
  return (code) => set.has(code);
}
