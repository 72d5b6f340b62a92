/**
 * The demo office's test people: residents with cards in stock and the demo operator and
 * supervisor. Each finger is a finger of FVC2002 DB1_B: the scanner simulator serves its
 * impressions (TIFF), and the cards carry the SecuGen ISO templates of its first impression.
 */
export interface DemoPerson {
  id: string;
  kind: 'resident' | 'operator';
  fullName: string;
  nik: string;
  sex: 'LAKI-LAKI' | 'PEREMPUAN';
  dateOfBirth: string;
  /** FVC2002 DB1_B finger numbers */
  fingers: { rightIndex: string; leftIndex: string };
  /** for operators: the demo user name */
  username?: string;
}

export const DEMO_DB = 'DB1_B';

export const DEMO_PEOPLE: DemoPerson[] = [
  { id: 'r1', kind: 'resident', fullName: 'SITI NURHALIZA', nik: '3201014508900001', sex: 'PEREMPUAN', dateOfBirth: '1990-08-05', fingers: { rightIndex: '101', leftIndex: '102' } },
  { id: 'r2', kind: 'resident', fullName: 'BUDI SANTOSO', nik: '3201011203850002', sex: 'LAKI-LAKI', dateOfBirth: '1985-03-12', fingers: { rightIndex: '103', leftIndex: '104' } },
  { id: 'r3', kind: 'resident', fullName: 'DEWI LESTARI', nik: '3201016011950003', sex: 'PEREMPUAN', dateOfBirth: '1995-11-20', fingers: { rightIndex: '105', leftIndex: '106' } },
  { id: 'r4', kind: 'resident', fullName: 'AGUS PRASETYO', nik: '3201010107000004', sex: 'LAKI-LAKI', dateOfBirth: '2000-07-01', fingers: { rightIndex: '107', leftIndex: '108' } },
  { id: 'op1', kind: 'operator', username: 'operator1', fullName: 'Operator Satu', nik: '3201011504880005', sex: 'LAKI-LAKI', dateOfBirth: '1988-04-15', fingers: { rightIndex: '110', leftIndex: '109' } },
];

export function demoPerson(id: string): DemoPerson | undefined {
  return DEMO_PEOPLE.find((p) => p.id === id);
}

/** The serial printed on (and stored in the chip of) a demo resident's card. */
export const demoCardSerial = (p: DemoPerson): string => `KTPDEMO${p.nik.slice(-6)}`;
