import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../../hub/config.ts';
import { createLogger } from '../../hub/log.ts';
import { FailureWindow } from '../../hub/auth/rate-limit.ts';
import { AtRestCipher } from '../../hub/security/at-rest.ts';
import { parseTicketQr, ticketQrText } from '../../hub/queue/ticket-qr.ts';
import { randomBytes } from 'node:crypto';
import { timeZoneMeta, withTimeZone } from '../../hub/http/static.ts';
import { formatClock, formatDate } from '../../kiosk-ui/shared/format.ts';

test('configuration: defaults, environment, and a clear error naming a bad field', () => {
  const cfg = loadConfig({});
  assert.is(cfg.port, 8080);
  assert.is(cfg.dataDir, './data');
  assert.is(loadConfig({ PORT: '9090', HUB_DATA_DIR: '/tmp/x' }).port, 9090);
  try {
    loadConfig({ PORT: 'eighty', HUB_TIMEZONE: 'Mars/Olympus' });
    assert.unreachable('should refuse');
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, /port: must be a number/);
    assert.match((e as Error).message, /timezone: unknown IANA time zone/);
  }
  assert.throws(() => loadConfig({ HUB_CONFIG_FILE: '/nonexistent/hub.json' }), /does not exist/);
});

test('logs never carry personal data, whatever the caller passes', () => {
  const lines: string[] = [];
  const log = createLogger('debug', {}, (l) => lines.push(l));
  log.info('issued', { label: 'A-001', nik: '3201014508900001', resident: { fullName: 'Siti', pin: '123456' }, username: 'operator1' });
  const rec = JSON.parse(lines[0]!);
  assert.is(rec.label, 'A-001');
  assert.is(rec.nik, '[redacted]');
  assert.is(rec.resident.fullName, '[redacted]');
  assert.is(rec.resident.pin, '[redacted]');
  assert.is(rec.username, 'operator1');
  assert.not.match(lines[0]!, /3201014508900001|Siti|123456/);
});

test('sign-in failures block a key for the rest of the window', () => {
  const w = new FailureWindow(3, 60_000);
  w.fail('op', 0); w.fail('op', 1000);
  assert.is(w.blockedFor('op', 2000), 0);
  w.fail('op', 2000);
  assert.is(w.blockedFor('op', 3000), 57);
  assert.is(w.blockedFor('op', 60_001), 0, 'the oldest failure left the window');
  w.clear('op');
  assert.is(w.blockedFor('op', 3000), 0);
});

test('values encrypted at rest decrypt only with the same key and context', () => {
  const c = new AtRestCipher(randomBytes(32));
  const blob = c.encrypt('3201014508900001', 'tickets.nik');
  assert.not.ok(blob.includes(Buffer.from('3201014508900001')));
  assert.is(c.decryptText(blob, 'tickets.nik'), '3201014508900001');
  assert.throws(() => c.decrypt(blob, 'other.column'));
  assert.throws(() => new AtRestCipher(randomBytes(32)).decrypt(blob, 'tickets.nik'));
  const tampered = Buffer.from(blob); tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => c.decrypt(tampered, 'tickets.nik'));
  assert.is(c.lookupHash('x', 'nik'), c.lookupHash('x', 'nik'));
});

test('ticket QR codes are recognised only when their MAC is right', () => {
  const key = randomBytes(32);
  const text = ticketQrText(key, { id: 'abc', label: 'B-003' });
  assert.equal(parseTicketQr(key, text), { id: 'abc', label: 'B-003' });
  assert.is(parseTicketQr(key, text.replace('B-003', 'B-004')), null);
  assert.is(parseTicketQr(randomBytes(32), text), null);
  assert.is(parseTicketQr(key, 'garbage'), null);
});


test('every screen page is told the office zone: a meta tag before </head>, nothing else changed', () => {
  const page = '<!doctype html>\n<html lang="id">\n<head>\n  <meta charset="utf-8">\n  <title>Kiosk</title>\n</head>\n<body><header>x</header></body>\n</html>\n';
  const out = withTimeZone(page, 'Asia/Makassar');
  assert.is(out.replace('  <meta name="hub-time-zone" content="Asia/Makassar">\n', ''), page);
  assert.ok(out.indexOf('hub-time-zone') > out.indexOf('charset'), 'the charset stays first');
  assert.ok(out.indexOf('hub-time-zone') < out.indexOf('</head>'));
  assert.is(withTimeZone('<p>no head</p>', 'Asia/Jakarta'), '<p>no head</p>');
  // the zone is validated by the configuration; the tag keeps only a zone name's characters anyway
  assert.is(timeZoneMeta('Etc/GMT+12"><script>'), '<meta name="hub-time-zone" content="Etc/GMT+12script">');
});

test('screen times are in the office zone when given one: the same instant reads 07:30 in WIB, 09:30 in WIT', () => {
  const at = '2026-12-02T00:30:00.000Z';
  assert.is(formatClock(at, 'id', 'Asia/Jakarta'), '07.30');
  assert.is(formatClock(at, 'id', 'Asia/Jayapura'), '09.30');
  assert.is(formatClock(at, 'en', 'Asia/Makassar'), '08:30');
  // the date turns with the office's midnight, not the PC's
  assert.is(formatDate('2026-12-02T17:30:00.000Z', 'id', 'Asia/Jakarta'), '3 Desember 2026');
  assert.is(formatDate('2026-12-02T17:30:00.000Z', 'id', 'UTC'), '2 Desember 2026');
  assert.is(formatClock('not a time', 'id', 'Asia/Jakarta'), '—');
});

test.run();
