import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ApiFault } from '../../kiosk-ui/shared/api.ts';
import { enrolFaultText, fingerprintGuidance, fingerprintLoginFaultText } from '../../kiosk-ui/shared/fingerprint.ts';

const http = (status: number, code: string, extra: Partial<ApiFault> = {}): ApiFault => ({ kind: 'http', status, code, message: 'english text', ...extra } as ApiFault);

test('each fingerprint sign-in failure has its own plain Indonesian message', () => {
  assert.match(fingerprintLoginFaultText(http(401, 'FINGERPRINT_MISMATCH')), /^Sidik jari tidak cocok\. Coba lagi/);
  assert.match(fingerprintLoginFaultText(http(401, 'FINGERPRINT_MISMATCH')), 'masukkan PIN');
  assert.match(fingerprintLoginFaultText(http(401, 'CHALLENGE_EXPIRED')), 'Waktu masuk habis');
  assert.match(fingerprintLoginFaultText(http(503, 'SCANNER_OFFLINE')), 'tidak terhubung');
  assert.match(fingerprintLoginFaultText(http(408, 'CAPTURE_TIMEOUT')), '30 detik');
  assert.match(fingerprintLoginFaultText(http(409, 'SCANNER_BUSY')), 'sedang dipakai');
  assert.match(fingerprintLoginFaultText(http(422, 'POOR_IMAGE')), 'kurang jelas');
  const texts = ['FINGERPRINT_MISMATCH', 'CHALLENGE_EXPIRED', 'SCANNER_OFFLINE', 'CAPTURE_TIMEOUT', 'SCANNER_BUSY', 'POOR_IMAGE'].map((c) => fingerprintLoginFaultText(http(400, c)));
  assert.is(new Set(texts).size, texts.length, 'no two codes share a message');
  for (const t of texts) assert.not.match(t, 'english text');
});

test('a bare 408 or 422 without a known code still reads as a capture problem', () => {
  assert.match(fingerprintLoginFaultText(http(408, 'HTTP_408')), 'tepat waktu');
  assert.match(fingerprintLoginFaultText(http(422, 'HTTP_422')), 'kurang jelas');
});

test('too many attempts keeps the sign-in form\'s wait message; a network fault says so', () => {
  assert.match(fingerprintLoginFaultText(http(429, 'TOO_MANY_ATTEMPTS', { retryAfterSeconds: 90 } as Partial<ApiFault>)), '1 menit 30 detik');
  assert.match(fingerprintLoginFaultText({ kind: 'network', message: 'x' }), 'Tidak dapat terhubung');
});

test('enrolment guidance words follow the scanner events; unknown events give nothing', () => {
  assert.is(fingerprintGuidance('place_finger'), 'Letakkan jari');
  assert.is(fingerprintGuidance('hold_still'), 'Tahan');
  assert.is(fingerprintGuidance('poor_image'), 'Gambar kurang jelas, coba lagi');
  assert.is(fingerprintGuidance('lift_finger'), 'Angkat jari');
  assert.is(fingerprintGuidance('toString'), null);
  assert.is(fingerprintGuidance(42), null);
});

test('a poor enrolment says to place the finger flat and record again', () => {
  assert.match(enrolFaultText(http(422, 'POOR_QUALITY')), 'Kualitas sidik jari terlalu rendah');
  assert.match(enrolFaultText(http(408, 'CAPTURE_TIMEOUT')), '30 detik');
  assert.match(enrolFaultText(http(404, 'UNKNOWN_USER')), 'tidak ada lagi');
});

test.run();
