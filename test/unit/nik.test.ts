import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { maskNik, validateNik } from '../../hub/domain/index.ts';
import { districtLookup } from '../../hub/store/regions.ts';

const regions = districtLookup();
const today = new Date('2026-11-25T00:00:00Z');

test('a valid NIK of a woman gives her birth date with 40 taken off the day', () => {
  const r = validateNik('3201014508900001', regions, today);
  assert.ok(r.ok);
  if (r.ok) {
    assert.is(r.value.birthDate, '1990-08-05');
    assert.is(r.value.sex, 'female');
    assert.is(r.value.regionCode, '320101');
  }
});

test('a valid NIK of a man, born in the 2000s', () => {
  const r = validateNik('3201011503050002', regions, today);
  assert.ok(r.ok);
  if (r.ok) { assert.is(r.value.birthDate, '2005-03-15'); assert.is(r.value.sex, 'male'); }
});

test('a NIK is 16 digits and nothing else: separators are refused, not guessed at', () => {
  const r = validateNik('320101 450890 0001', regions, today);
  assert.is(r.ok ? 'ok' : r.code, 'NIK_DIGITS');
});

const fault = (nik: string) => {
  const r = validateNik(nik, regions, today);
  return r.ok ? 'ok' : r.code;
};

test('each fault gets its own code, naming the nik field', () => {
  assert.is(fault('320101450890'), 'NIK_LENGTH');
  assert.is(fault('32010145089000011'), 'NIK_LENGTH');
  assert.is(fault('32010145089O0001'), 'NIK_DIGITS');
  assert.is(fault('9999994508900001'), 'NIK_REGION');
  assert.is(fault('3201013202900001'), 'NIK_BIRTHDATE'); // 32 Feb
  assert.is(fault('3201017202900001'), 'NIK_BIRTHDATE'); // day 72 - 40 = 32
  assert.is(fault('3201011513900001'), 'NIK_BIRTHDATE'); // month 13
  assert.is(fault('3201010002900001'), 'NIK_BIRTHDATE'); // day 00
  assert.is(fault('3201014508900000'), 'NIK_SERIAL');
  const month = validateNik('3201010513900001', regions, today);
  assert.is(!month.ok && month.code === 'NIK_BIRTHDATE' ? month.problem : '', 'month', 'the birth-date fault says which part is wrong');
  const r = validateNik('123', regions, today);
  assert.is(r.ok ? '' : r.field, 'nik');
});

test('29 February only in leap years', () => {
  assert.is(fault('3201012902000001'), 'ok'); // 2000
  assert.is(fault('3201012902010001'), 'NIK_BIRTHDATE'); // 2001
});

test('the mask shows only the first four and last two digits', () => {
  assert.is(maskNik('3201014508900001'), '3201**********01');
});

test.run();
