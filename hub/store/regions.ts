/**
 * Indonesia's district (kecamatan) codes, from the idn-area-data package (Kemendagri's codes as
 * published under the current regulation), for checking the region digits of a NIK.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RegionLookup } from '../domain/nik.ts';

let cached: Set<string> | undefined;

export function loadDistrictCodes(): Set<string> {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('idn-area-data/package.json'));
  const csv = readFileSync(join(pkgDir, 'data', 'districts.csv'), 'utf8');
  const codes = new Set<string>();
  for (const line of csv.split(/\r?\n/).slice(1)) {
    const code = line.split(',')[0]?.replace(/\./g, '');
    if (code && /^\d{6}$/.test(code)) codes.add(code);
  }
  cached = codes;
  return codes;
}

export function districtLookup(): RegionLookup {
  const codes = loadDistrictCodes();
  return { hasDistrict: (c) => codes.has(c) };
}
