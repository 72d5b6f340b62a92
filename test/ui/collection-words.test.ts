/** The collection kiosk's words: every code the flow can meet has a plain message in both languages. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { faultText, guidanceText, stepIndex, texts } from '../../kiosk-ui/collection/words.ts';

const FLOW_CODES = ['NO_CARD_IN_STOCK', 'CARD_ALREADY_COLLECTED', 'CARD_RETURNED', 'COLLECTION_IN_PROGRESS', 'UNKNOWN_CODE',
  'NIK_LENGTH', 'NIK_DIGITS', 'NIK_REGION', 'NIK_BIRTHDATE', 'NIK_SERIAL', 'NO_CARD', 'CARD_UNREADABLE', 'WRONG_CARD', 'CARD_REMOVED',
  'CAPTURE_TIMEOUT', 'POOR_IMAGE', 'SCANNER_OFFLINE', 'SCANNER_BUSY', 'CAPTURE_CANCELLED', 'PAD_OFFLINE', 'EMPTY_SIGNATURE',
  'OFFICER_CONFIRMATION_NEEDED', 'READER_OFFLINE', 'SESSION_ENDED', 'UNKNOWN_COLLECTION', 'network'];

test('every error code of the flow has its own message in Indonesian and English', () => {
  for (const code of FLOW_CODES) {
    const id = faultText(code, 'id');
    const en = faultText(code, 'en');
    assert.not.match(id, /Terjadi kesalahan/, `${code} has no Indonesian text`);
    assert.not.match(en, /Something went wrong/, `${code} has no English text`);
    assert.is.not(id, en);
  }
});

test('an unknown code still tells the resident to ask an officer, naming the code', () => {
  assert.match(faultText('SOMETHING_NEW', 'id'), /SOMETHING_NEW.*petugas/);
});

test('the stepper places the five steps and leaves the ends out', () => {
  assert.equal(['card', 'data', 'fingerprint', 'signature', 'receipt'].map(stepIndex), [0, 1, 2, 3, 4]);
  assert.is(stepIndex('failed'), null);
  assert.is(texts.id.steps.length, 5);
});

test('fingerprint guidance is worded for the resident and unknown events are not shown', () => {
  assert.match(guidanceText('hold_still', 'id')!, /Tahan/);
  assert.is(guidanceText('weird', 'id'), null);
  assert.match(texts.id.fingerLead('leftIndex'), /TELUNJUK KIRI/);
  assert.match(texts.id.noMatch(2), /Sisa percobaan: 2/);
});

test.run();
