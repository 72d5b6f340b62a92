/**
 * The people already in the reference DC's gallery on first start: their fingers are FVC2002
 * DB1_B fingers (SecuGen ISO templates of impression 1), the same people as the demo office's
 * residents, so enrolling one of them again (another impression) is found as a duplicate.
 */
import { maskNik } from '../domain/index.ts';

export interface TestResident {
  identityId: string;
  nik: string;
  fullName: string;
  /** [dataset folder, file name without .iso] */
  rightIndex: [string, string];
  leftIndex: [string, string];
  /** other impressions of the same fingers, for "the same person enrols again" */
  otherImpressions: { rightIndex: [string, string]; leftIndex: [string, string] };
}

const person = (identityId: string, nik: string, fullName: string, right: string, left: string): TestResident => ({
  identityId, nik, fullName,
  rightIndex: ['DB1_B', `${right}_1`], leftIndex: ['DB1_B', `${left}_1`],
  otherImpressions: { rightIndex: ['DB1_B', `${right}_2`], leftIndex: ['DB1_B', `${left}_2`] },
});

export const DEFAULT_TEST_RESIDENTS: TestResident[] = [
  person('ID-0001', '3201014508900001', 'SITI NURHALIZA', '101', '102'),
  person('ID-0002', '3201011203850002', 'BUDI SANTOSO', '103', '104'),
  person('ID-0003', '3201016011950003', 'DEWI LESTARI', '105', '106'),
];

export const maskedNik = maskNik;
