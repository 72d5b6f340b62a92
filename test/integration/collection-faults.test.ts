/**
 * Collection around its faults, with the reference DC on HTTPS: a card announced ready by the DC
 * enters the stock and can be collected; a collection finished while the DC is down is kept and
 * reaches the DC exactly once when it is back; a kiosk whose scanner is offline is told so without
 * losing a try; a hub restart mid-flow abandons the session and changes neither case nor card.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceDc } from '../../hub/reference-dc/index.ts';
import { nik, startTestHub, type TestHub } from '../support/hub.ts';
import { dcAdmin, isoTemplate, waitFor } from '../support/dc.ts';
import { DEMO_PEOPLE } from '../../hub/demo/residents.ts';

const dir = mkdtempSync(join(tmpdir(), 'collection-faults-'));
const ADMIN = 'admin-token-for-tests';
let ref: Awaited<ReturnType<typeof startReferenceDc>>;
let hub: TestHub;
let op: string;
let admin: ReturnType<typeof dcAdmin>;
const r1 = DEMO_PEOPLE[0]!;
const hubOptions = (ca: string) => ({
  dataDir: join(dir, 'hub'), printer: { port: 'simulator', baudRate: 19200 },
  dc: { url: ref.url, caCertFile: ca, bootstrapToken: 'bootstrap-for-tests', retryBaseMs: 50, retryMaxMs: 300, pollIntervalMs: 100, requestTimeoutMs: 1500 },
});

test.before(async () => {
  ref = await startReferenceDc({ dataDir: join(dir, 'dc'), port: 0, bootstrapToken: 'bootstrap-for-tests', adminToken: ADMIN, resultDelayMs: 50, cardReadyAfterMs: 50 });
  const ca = join(dir, 'dc-ca.pem');
  writeFileSync(ca, ref.caCertPem);
  hub = await startTestHub(hubOptions(ca));
  op = await hub.login('operator');
  admin = dcAdmin(ref.url, ref.caCertPem, ADMIN);
});
test.after(async () => {
  await hub.destroy();
  await ref.close();
  rmSync(dir, { recursive: true, force: true });
});

const k = (method: string, path: string, body?: unknown) => hub.api(method, path, hub.demo!.kioskToken, body);
const o = (method: string, path: string, body?: unknown) => hub.api(method, path, op, body);

test('a card the DC announces ready enters the stock under its serial and the resident can start collecting it', async () => {
  const resident = nik(901);
  const enrol = await o('POST', '/api/cases/enrolments', {
    nik: resident, fullName: 'Warga Siap Ambil',
    fingerprints: [{ position: 2, format: 'iso19794-2', data: isoTemplate('DB2_B', '101_1') }, { position: 7, format: 'iso19794-2', data: isoTemplate('DB2_B', '102_1') }],
  });
  assert.is(enrol.status, 201, JSON.stringify(enrol.body));
  const stock = await waitFor('the card in stock', () => o('GET', '/api/stock'),
    (r) => r.body.inStock.some((x: any) => x.caseId === enrol.body.case.id), 20_000);
  const item = stock.body.inStock.find((x: any) => x.caseId === enrol.body.case.id);
  assert.match(item.cardSerial, /^[0-9A-F]{16}$/);
  assert.is(item.fullName, 'Warga Siap Ambil');
  assert.match(item.summonsQr, /^KTPS1\|/);
  const bySummons = await k('POST', '/api/collections', { code: item.summonsQr });
  assert.is(bySummons.status, 201, JSON.stringify(bySummons.body));
  assert.is(bySummons.body.identifiedBy, 'summons');
  assert.is(bySummons.body.caseRecord.cardSerial, item.cardSerial);
  await k('POST', `/api/collections/${bySummons.body.id}/abandon`, {});
});

test('a collection finished while the DC is down and the printer offline: the receipt is printed again later, the record reaches the DC exactly once when it is back', async () => {
  await admin.faults({ down: true });
  await o('POST', '/api/sim/printer', { offline: true });
  const before = (await admin.stats()).records.byKind.collection_result ?? 0;
  const s = await k('POST', '/api/collections', { nik: r1.nik });
  await o('POST', '/api/sim/card/insert', { residentId: 'r1' });
  await waitFor('the card read', () => k('GET', `/api/collections/${s.body.id}`), (r) => r.body.step === 'data');
  await k('POST', `/api/collections/${s.body.id}/confirm`, { correct: true });
  for (const finger of ['rightIndex', 'leftIndex'] as const) {
    await o('POST', '/api/sim/fingerprint/place', { residentId: 'r1', finger, impression: 2 });
    await k('POST', `/api/collections/${s.body.id}/fingerprint`);
  }
  await o('POST', `/api/collections/${s.body.id}/old-ktp`, { value: 'none' });
  await k('POST', `/api/collections/${s.body.id}/signature/start`);
  await o('POST', '/api/sim/signature/stroke', { points: [{ x: 0.1, y: 0.5, pressure: 0.5 }, { x: 0.7, y: 0.3, pressure: 0.8 }] });
  const done = await k('POST', `/api/collections/${s.body.id}/signature`);
  assert.is(done.body.step, 'receipt', JSON.stringify(done.body));
  assert.match(done.body.receipt.rows.map((r: any) => `${r.label}: ${r.value}`).join('\n'), /KTP lama: TIDAK ADA/);
  // the printer was offline: the handover stands, the kiosk is told, the officer prints it again
  assert.is(done.body.receipt.printed.ok, false);
  assert.is(done.body.receipt.printed.code, 'PRINTER_OFFLINE');
  await o('POST', '/api/sim/printer', { offline: false });
  const again = await o('POST', `/api/collections/${s.body.id}/reprint`);
  assert.equal(again.body.receipt.printed, { ok: true });
  assert.match(hub.printer.getPrinted().at(-1)!.text, /TANDA TERIMA KTP-el/);
  const pending = await hub.context.db.get<{ status: string }>(`SELECT status FROM outbox WHERE kind = 'collection_result' ORDER BY id DESC LIMIT 1`);
  assert.is(pending!.status, 'pending', 'kept while the DC is down');
  const caseRow = await hub.context.db.get<{ status: string }>('SELECT status FROM cases WHERE id = ?', [done.body.caseRecord.caseId]);
  assert.is(caseRow!.status, 'collected');
  const summons = await hub.context.db.get<{ type: string }>(`SELECT type FROM case_events WHERE case_id = ? ORDER BY id DESC LIMIT 1`, [done.body.caseRecord.caseId]);
  assert.is(summons!.type, 'summons.berhasil', 'the summons record is marked berhasil');

  await admin.faults({ down: false });
  await waitFor('delivery', () => hub.context.db.get<{ status: string }>(`SELECT status FROM outbox WHERE kind = 'collection_result' ORDER BY id DESC LIMIT 1`),
    (r) => r!.status === 'delivered', 20_000);
  const stats = await admin.stats();
  assert.is(stats.records.byKind.collection_result, before + 1);
  await k('POST', `/api/collections/${s.body.id}/close`);
  await o('POST', '/api/sim/card/remove', {});
});

test('a hub restart mid-flow abandons the open session; the case and the card are unchanged', async () => {
  const r2 = DEMO_PEOPLE[1]!;
  const s = await k('POST', '/api/collections', { nik: r2.nik });
  assert.is(s.status, 201);
  await hub.close();
  hub = await startTestHub(hubOptions(join(dir, 'dc-ca.pem')));
  op = await hub.login('operator');
  const row = await hub.context.db.get<{ status: string; end_reason: string }>('SELECT status, end_reason FROM collections WHERE id = ?', [s.body.id]);
  assert.equal(row, { status: 'abandoned', end_reason: 'hub restarted' });
  const stock = await o('GET', '/api/stock');
  assert.ok(stock.body.inStock.some((x: any) => x.cardSerial === 'KTPDEMO850002'));
  const again = await k('POST', '/api/collections', { nik: r2.nik });
  assert.is(again.status, 201, 'the resident can start again');
  await k('POST', `/api/collections/${again.body.id}/abandon`, {});
});

test('the scanner offline: the kiosk is told, and no try is counted', async () => {
  const offline = await startTestHub({ printer: { port: 'none', baudRate: 9600 }, fingerprint: { port: 'none', baudRate: 57600 } });
  try {
    const kiosk = offline.demo!.kioskToken;
    const sup = await offline.login('supervisor');
    const s = await offline.api('POST', '/api/collections', kiosk, { nik: DEMO_PEOPLE[2]!.nik });
    await offline.api('POST', '/api/sim/card/insert', sup, { residentId: 'r3' });
    await waitFor('the card read', () => offline.api('GET', `/api/collections/${s.body.id}`, kiosk), (r) => r.body.step === 'data');
    await offline.api('POST', `/api/collections/${s.body.id}/confirm`, kiosk, { correct: true });
    const tried = await offline.api('POST', `/api/collections/${s.body.id}/fingerprint`, kiosk);
    assert.is(tried.body.lastTry.error.code, 'SCANNER_OFFLINE');
    assert.is(tried.body.fingers.rightIndex.tries, 0);
    assert.is(tried.body.step, 'fingerprint');
  } finally {
    await offline.destroy();
  }
});

test.run();
