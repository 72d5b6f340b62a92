import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { checkNik, decodeBirthDate, faultFromHub, groupNik, nikFaultMessage, regionLookup } from '../../kiosk-ui/index.ts';
import { parseDistrictCodes } from '../../scripts/build-ui.ts';

const csv = readFileSync(new URL('../../node_modules/idn-area-data/data/districts.csv', import.meta.url), 'utf8');
const regionKnown = regionLookup(parseDistrictCodes(csv).join(''));

test('a valid NIK of a woman born 05-08-1990 in Cibinong (320101) passes', () => {
  assert.is(checkNik('3201014508900001', { regionKnown }), null);
  const b = decodeBirthDate('450890');
  assert.equal(b, { ok: true, value: { day: 5, month: 8, yy: 90, sex: 'female' } });
});

test('a man born 31-12-1985 passes; day 41 is a woman born on the 1st', () => {
  assert.is(checkNik('3201013112850002', { regionKnown }), null);
  assert.equal(decodeBirthDate('410100'), { ok: true, value: { day: 1, month: 1, yy: 0, sex: 'female' } });
});

test('too short: the message says how many digits were typed, in both languages', () => {
  const f = checkNik('320101450890');
  assert.equal(f, { code: 'NIK_LENGTH', got: 12 });
  assert.is(nikFaultMessage(f!, 'id'), 'NIK harus 16 digit — Anda baru memasukkan 12 digit.');
  assert.is(nikFaultMessage(f!, 'en'), 'The NIK must have 16 digits — you have entered only 12 digits.');
  assert.is(nikFaultMessage({ code: 'NIK_LENGTH', got: 0 }, 'id'), 'Silakan masukkan 16 digit NIK Anda.');
});

test('non-digits are refused before the length', () => {
  assert.equal(checkNik('3201-14508900001'), { code: 'NIK_DIGITS' });
  assert.match(nikFaultMessage({ code: 'NIK_DIGITS' }, 'id'), 'hanya boleh berisi angka');
});

test('an unknown region names the 6 digits to check', () => {
  const f = checkNik('9999994508900001', { regionKnown });
  assert.equal(f, { code: 'NIK_REGION', region: '999999' });
  assert.is(nikFaultMessage(f!, 'id'), 'Kode wilayah 999999 tidak dikenal. Periksa 6 digit pertama NIK Anda.');
  assert.is(nikFaultMessage(f!, 'en'), 'Region code 999999 is not known. Check the first 6 digits of your NIK.');
});

test('without a region list the region is left to the hub', () => {
  assert.is(checkNik('9999994508900001'), null);
});

test('birth date faults: impossible day, month, and a date not in the calendar', () => {
  const day = checkNik('3201013213900001', { regionKnown });
  assert.equal(day, { code: 'NIK_BIRTHDATE', digits: '321390', problem: 'day' });
  assert.match(nikFaultMessage(day!, 'id'), 'Tanggal lahir dalam NIK tidak valid (digit 7–12: 321390)');
  assert.match(nikFaultMessage(day!, 'id'), '41–71 (perempuan)');
  assert.match(nikFaultMessage(day!, 'en'), 'The birth date in the NIK is not valid (digits 7–12: 321390)');
  // 72 is neither a man's nor a woman's day
  assert.equal(checkNik('3201017201900001'), { code: 'NIK_BIRTHDATE', digits: '720190', problem: 'day' });
  assert.equal(checkNik('3201010513900001'), { code: 'NIK_BIRTHDATE', digits: '051390', problem: 'month' });
  assert.match(nikFaultMessage(checkNik('3201010513900001')!, 'id'), 'Bulan "13" tidak ada');
  assert.equal(checkNik('3201013102900001'), { code: 'NIK_BIRTHDATE', digits: '310290', problem: 'no-such-date' });
  assert.equal(checkNik('3201017104900001'), { code: 'NIK_BIRTHDATE', digits: '710490', problem: 'no-such-date' });
});

test('29 February: allowed when 19yy or 20yy is a leap year', () => {
  assert.is(checkNik('3201012902000001'), null); // 2000
  assert.is(checkNik('3201012902960001'), null); // 1996
  assert.equal(checkNik('3201012902970001')?.code, 'NIK_BIRTHDATE');
});

test('serial 0000 is refused', () => {
  const f = checkNik('3201014508900000', { regionKnown });
  assert.equal(f, { code: 'NIK_SERIAL' });
  assert.match(nikFaultMessage(f!, 'id'), 'tidak boleh 0000');
  assert.match(nikFaultMessage(f!, 'en'), 'cannot be 0000');
});

test("the hub's codes are turned into the same specific faults", () => {
  assert.equal(faultFromHub('NIK_REGION', '1234564508900001'), { code: 'NIK_REGION', region: '123456' });
  assert.equal(faultFromHub('NIK_LENGTH', '123'), { code: 'NIK_LENGTH', got: 3 });
  assert.equal(faultFromHub('NIK_BIRTHDATE', '3201013213900001'), { code: 'NIK_BIRTHDATE', digits: '321390', problem: 'day' });
  // a rule only the hub knows (a date in the future) still gets a birth date message
  assert.equal(faultFromHub('NIK_BIRTHDATE', '3201014508990001'), { code: 'NIK_BIRTHDATE', digits: '450899', problem: 'no-such-date' });
  assert.equal(faultFromHub('NIK_SERIAL', '3201014508900000'), { code: 'NIK_SERIAL' });
});

test('grouping 6-6-4, also while typing', () => {
  assert.is(groupNik('3201014508900001'), '320101 450890 0001');
  assert.is(groupNik('3201014'), '320101 4');
  assert.is(groupNik(''), '');
});

test('the district list has the real codes', () => {
  const codes = parseDistrictCodes(csv);
  assert.ok(codes.length > 7000);
  assert.ok(codes.every((c) => /^\d{6}$/.test(c)));
  assert.ok(regionKnown('320101'));
  assert.not.ok(regionKnown('320100'));
});

test.run();
