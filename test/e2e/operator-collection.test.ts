/**
 * The operator's collection assist view end to end, in headless Chromium against a real demo hub:
 * a resident's collection is driven through the kiosk's API (as the collection kiosk would) and the
 * simulator panel's routes, and the operator screen shows each step as it happens; the officer
 * overrides an injured finger with the supervisor's PIN (a wrong PIN first) and confirms the old
 * KTP on the screen; the stock lists show the collected card, and a card is returned from the list.
 * The hub keeps its day in UTC-12 and the browser's clock is in UTC+14, so the two never share a
 * calendar day: the supervisor's figures must come from the hub's day, not the browser's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildUi } from '../../scripts/build-ui.ts';
import { DEMO_PEOPLE } from '../../hub/demo/residents.ts';
import { dayKey } from '../../hub/domain/queue.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';

let uiDir = '';
let hub: TestHub;
let browser: TestBrowser;
let page: Page;
let op = '';
let sessionId = '';
const r1 = DEMO_PEOPLE.find((p) => p.id === 'r1')!;
// IANA's Etc zones count the other way: Etc/GMT+12 is UTC-12, Etc/GMT-14 is UTC+14
const HUB_ZONE = 'Etc/GMT+12', BROWSER_ZONE = 'Etc/GMT-14';

test.before(async () => {
  uiDir = mkdtempSync(join(tmpdir(), 'e2e-ui-'));
  await buildUi({ outDir: uiDir });
  hub = await startTestHub({ mode: 'demo', uiDir, printer: { port: 'simulator', baudRate: 19200 }, timezone: HUB_ZONE });
  op = await hub.login('operator');
  browser = await launchBrowser({ timezoneId: BROWSER_ZONE });
});

test.after(async () => {
  await browser?.close();
  await hub?.destroy();
  if (uiDir) rmSync(uiDir, { recursive: true, force: true });
});

const kiosk = (method: string, path: string, body?: unknown) => hub.api(method, path, hub.demo!.kioskToken, body);
const sim = (path: string, body: unknown = {}) => hub.api('POST', path, op, body);
const text = async (testId: string) => ((await page.textContent(`[data-testid=${testId}]`)) ?? '').trim();
const waitText = (testId: string, has: string | RegExp) => page.locator(`[data-testid=${testId}]`).filter({ hasText: has }).first().waitFor({ timeout: 15_000 });

test('the operator signs in and opens the collection tab: nobody at the kiosk yet, the stock lists the test residents', async () => {
  page = await browser.newPage({ width: 1280, height: 900 });
  await page.goto(`${hub.url}/operator/`);
  await page.fill('input[name=username]', hub.demo!.operator.username);
  await page.fill('input[name=pin]', hub.demo!.operator.pin);
  await page.click('[data-testid=login-submit]');
  await page.click('[data-testid=tab-collection]');
  await page.waitForSelector('[data-testid=collection-empty]');
  await page.locator('[data-testid=stock-in] li[data-serial=KTPDEMO900001]').waitFor();
  assert.match(await text('stock-in'), 'SITI NURHALIZA');
  assert.not.match(await text('stock-in'), r1.nik, 'only masked NIKs in the lists');
  assert.match(await text('stock-collected'), 'Belum ada');
});

test('a resident starts at the kiosk: the screen shows the session waiting for the card', async () => {
  const start = await kiosk('POST', '/api/collections', { nik: r1.nik });
  assert.is(start.status, 201, JSON.stringify(start.body));
  sessionId = start.body.id;
  await waitText('collection-step', 'Menunggu kartu');
  assert.is(await text('collection-name'), 'SITI NURHALIZA');
  assert.is(await text('collection-nik'), start.body.caseRecord.nikMasked);
  assert.not.match(await page.textContent('[data-testid=collection-detail]') ?? '', r1.nik, 'the full NIK is never shown');
  assert.is(await text('collection-serial'), 'KTPDEMO900001');
  assert.is(await text('stepper-current'), 'Kartu');
  assert.ok(await page.isEnabled('[data-testid=act-read-card]'), 'the officer may read the card');
  assert.is(await page.locator('[data-testid=act-override]').count(), 0, 'no override before the fingerprint step');
});

test('the card on the reader: chip photo, passive authentication and the data comparison appear', async () => {
  await sim('/api/sim/card/insert', { residentId: 'r1' });
  await waitText('collection-step', 'Warga memeriksa data');
  assert.is(await text('stepper-current'), 'Data');
  assert.is(await page.locator('[data-testid=chip-photo]').count(), 1);
  assert.match(await page.getAttribute('[data-testid=chip-photo]', 'src') ?? '', /^data:image\//);
  assert.match(await text('passive-auth'), /Data chip asli \(autentikasi pasif sah\)/);
  const rows = await page.locator('[data-testid=comparison] tbody tr').allTextContents();
  assert.is(rows.length, 3);
  assert.ok(rows.every((r) => r.endsWith('Sama')), rows.join(' | '));
  assert.ok(await page.isEnabled('[data-testid=act-confirm]'), 'the officer may confirm on the resident\'s behalf');
});

test('the resident confirms at the kiosk: the fingerprint step, right index first', async () => {
  const conf = await kiosk('POST', `/api/collections/${sessionId}/confirm`, { correct: true });
  assert.is(conf.body.step, 'fingerprint');
  await waitText('collection-step', 'Verifikasi sidik jari');
  assert.is(await text('stepper-current'), 'Sidik jari');
  assert.is(await text('finger-rightIndex'), 'Telunjuk kanan: belum dipindai (0/3) ← sekarang');
  assert.is(await text('act-scan'), 'Pindai telunjuk kanan');
});

test('override: a wrong supervisor PIN is refused in the form (the officer stays signed in), the right one passes the right index', async () => {
  await page.click('[data-testid=act-override]');
  await page.waitForSelector('[data-testid=override-dialog]');
  assert.ok(await page.isChecked('[data-testid=override-finger-rightIndex]'), 'the current finger is chosen');
  await page.fill('[data-testid=override-reason]', 'jari');
  await page.fill('[data-testid=override-username]', hub.demo!.supervisor.username);
  await page.fill('[data-testid=override-pin]', '999999');
  await page.click('[data-testid=override-submit]');
  assert.is(await text('override-error'), 'Tulis alasannya (minimal 5 huruf), misalnya "jari terluka".');

  await page.fill('[data-testid=override-reason]', 'jari terluka, diperban');
  await page.click('[data-testid=override-submit]');
  await waitText('override-error', 'PIN supervisor salah');
  assert.is(await text('override-error'), 'Nama pengguna atau PIN supervisor salah.');
  assert.is(await page.locator('[data-testid=logout]').count(), 1, 'still signed in');

  await page.fill('[data-testid=override-pin]', hub.demo!.supervisor.pin);
  await page.click('[data-testid=override-submit]');
  await page.waitForSelector('[data-testid=override-dialog]', { state: 'detached' });
  await waitText('finger-rightIndex', 'dilewati petugas');
  assert.match(await text('finger-rightIndex'), `Telunjuk kanan: dilewati petugas — jari terluka, diperban (disetujui ${hub.demo!.supervisor.username})`);
  assert.match(await text('finger-leftIndex'), /← sekarang/);
  assert.match(await text('collection-message'), 'Telunjuk kanan dilewati dengan persetujuan supervisor.');
  // the left index is the last one: it cannot be passed over too
  assert.ok(await page.isDisabled('[data-testid=act-override]'));
  assert.is(await text('act-override-hint'), 'Satu jari harus tetap cocok');
});

test('the left index scanned at the kiosk: live guidance while waiting, then a match and the signature step', async () => {
  const scanning = kiosk('POST', `/api/collections/${sessionId}/fingerprint`);
  await waitText('collection-guidance', 'Warga diminta meletakkan jari');
  assert.ok(await page.isDisabled('[data-testid=act-scan]'), 'no second scan while one is running');
  await sim('/api/sim/fingerprint/place', { residentId: 'r1', finger: 'leftIndex', impression: 2 });
  const r = await scanning;
  assert.is(r.body.step, 'signature', JSON.stringify(r.body.lastTry));
  await sim('/api/sim/fingerprint/lift');
  await waitText('collection-step', 'Tanda tangan');
  assert.is(await text('stepper-current'), 'Tanda tangan');
  assert.is(await text('finger-leftIndex'), 'Telunjuk kiri: cocok (percobaan 1/3)');
  assert.ok(await page.isDisabled('[data-testid=act-sign-accept]'));
  assert.is(await text('act-sign-accept-hint'), 'Konfirmasi KTP lama dulu');
  assert.is(await page.locator('[data-testid=tab-collection-attn]').count(), 1, 'the tab says a session needs the officer');
});

test('the officer confirms the old KTP on the screen; the resident signs; the screen shows the receipt', async () => {
  await page.click('[data-testid=old-ktp-withdrawn]');
  await waitText('old-ktp-state', 'KTP lama ditarik');
  assert.is(await text('old-ktp-state'), 'KTP lama ditarik — dikonfirmasi Operator Satu');
  await page.waitForSelector('[data-testid=act-sign-accept]:not([disabled])');

  assert.is((await kiosk('POST', `/api/collections/${sessionId}/signature/start`)).status, 200);
  await sim('/api/sim/signature/stroke', { points: [{ x: 0.1, y: 0.5, pressure: 0.6 }, { x: 0.4, y: 0.3, pressure: 0.8 }, { x: 0.8, y: 0.6, pressure: 0.7 }] });
  const done = await kiosk('POST', `/api/collections/${sessionId}/signature`);
  assert.is(done.status, 200, JSON.stringify(done.body));
  await waitText('collection-step', 'Berhasil — kartu diserahkan');
  assert.is(await text('stepper-current'), 'Tanda terima');
  assert.is(await page.locator('[data-testid=stepper] li.done').count(), 4);
  assert.is(await text('receipt-printed'), 'Tanda terima sudah dicetak. Serahkan kartu dan tanda terima kepada warga.');
  assert.match(await text('collection-detail'), done.body.receipt.number);
  assert.ok(await page.isEnabled('[data-testid=act-reprint]'));
});

test('the stock lists move the card to "collected today", with the time in the office zone', async () => {
  const item = page.locator('[data-testid=stock-collected] li[data-serial=KTPDEMO900001]');
  await item.waitFor({ timeout: 10_000 });
  assert.is(await page.locator('[data-testid=stock-in] li[data-serial=KTPDEMO900001]').count(), 0);
  const stock = await hub.api('GET', '/api/stock', op);
  const at = new Date(stock.body.collected.find((x: { cardSerial: string }) => x.cardSerial === 'KTPDEMO900001').collectedAt);
  const clock = (timeZone: string) => at.toLocaleTimeString('id-ID', { hour: '2-digit', minute: '2-digit', timeZone });
  // the two zones are 26 hours apart, so the clocks differ by two hours
  assert.match((await item.textContent()) ?? '', clock(HUB_ZONE));
  assert.not.match((await item.textContent()) ?? '', clock(BROWSER_ZONE));
});

test('reprint, then close: the session leaves the screen', async () => {
  const before = hub.printer.getPrinted().length;
  await page.click('[data-testid=act-reprint]');
  await waitText('collection-message', 'Tanda terima dicetak ulang.');
  assert.is(hub.printer.getPrinted().length, before + 1);
  await page.click('[data-testid=act-close]');
  await page.waitForSelector('[data-testid=collection-empty]');
});

test('a card is returned from the stock list with a reason', async () => {
  await page.click('[data-testid=return-KTPDEMO850002]');
  await page.fill('[data-testid=return-reason]', 'data salah cetak');
  await page.click('[data-testid=return-submit]');
  await page.locator('[data-testid=stock-returned] li[data-serial=KTPDEMO850002]').waitFor();
  assert.match(await text('stock-returned'), 'data salah cetak');
  assert.is(await page.locator('[data-testid=stock-in] li[data-serial=KTPDEMO850002]').count(), 0);
  assert.is(await text('stock-message'), 'Kartu KTPDEMO850002 dicatat untuk dikembalikan.');
});

test('take over: the officer confirms the data and scans the finger from the screen, then cancels with a reason', async () => {
  await sim('/api/sim/card/remove');
  const r4 = DEMO_PEOPLE.find((p) => p.id === 'r4')!;
  const start = await kiosk('POST', '/api/collections', { nik: r4.nik });
  assert.is(start.status, 201, JSON.stringify(start.body));
  await waitText('collection-name', r4.fullName);
  await sim('/api/sim/card/insert', { residentId: 'r4' });
  await waitText('collection-step', 'Warga memeriksa data');
  await page.click('[data-testid=act-confirm]');
  await waitText('collection-step', 'Verifikasi sidik jari');
  assert.is(await text('collection-message'), 'Data dikonfirmasi. Lanjut ke sidik jari.');
  await sim('/api/sim/fingerprint/place', { residentId: 'r4', finger: 'rightIndex', impression: 3 });
  await page.click('[data-testid=act-scan]');
  await waitText('finger-rightIndex', 'cocok (percobaan 1/3)');
  assert.match(await text('collection-message'), /^Telunjuk kanan: cocok \(skor [\d.]+\)$/);
  assert.is(await text('act-scan'), 'Pindai telunjuk kiri');
  await sim('/api/sim/fingerprint/lift');

  await page.click('[data-testid=act-cancel]');
  await page.fill('[data-testid=cancel-reason]', 'warga harus pergi');
  await page.click('[data-testid=cancel-submit]');
  await waitText('collection-step', 'Dibatalkan');
  assert.is(await text('collection-end-reason'), 'Alasan berakhir: warga harus pergi');
  assert.ok(await page.isEnabled('[data-testid=act-close]'));
  await page.click('[data-testid=act-close]');
  await page.waitForSelector('[data-testid=collection-empty]');
  // a cancelled collection leaves the card in stock
  assert.is(await page.locator('[data-testid=stock-in] li[data-serial=KTPDEMO000004]').count(), 1);
});

test('a refused (tampered) card holds the session: the officer reads why, cannot resume, and cancels', async () => {
  await sim('/api/sim/card/remove');
  const r3 = DEMO_PEOPLE.find((p) => p.id === 'r3')!;
  const start = await kiosk('POST', '/api/collections', { nik: r3.nik });
  assert.is(start.status, 201, JSON.stringify(start.body));
  await sim('/api/sim/card/insert', { residentId: 'r3', variant: 'changedDg' });
  await waitText('collection-step', 'Ditahan — perlu petugas');
  assert.match(await text('collection-held'), /Kartu ditolak pada pembacaan \(autentikasi pasif gagal\)\. Batalkan sesi, lalu kembalikan kartu\..*DG_HASH_MISMATCH/);
  assert.is(await page.locator('[data-testid=chip-photo]').count(), 0, 'nothing from a refused chip is shown');
  assert.ok(await page.isDisabled('[data-testid=act-resume]'));
  assert.is(await text('act-resume-hint'), 'Kartu ditolak: tidak bisa dilanjutkan');
  assert.is(await page.locator('[data-testid=stepper] li.stop').count(), 1, 'the stepper shows where it stopped');
  await page.click('[data-testid=act-cancel]');
  await page.fill('[data-testid=cancel-reason]', 'kartu ditolak');
  await page.click('[data-testid=cancel-submit]');
  await waitText('collection-step', 'Dibatalkan');
  await sim('/api/sim/card/remove');
});

test('the supervisor page counts the collection against the B2 and B3 standards, on the hub\'s day', async () => {
  const before = dayKey(new Date(), HUB_ZONE);
  const sup = await browser.newPage({ width: 1280, height: 900 });
  await sup.goto(`${hub.url}/supervisor/`);
  await sup.fill('input[name=username]', hub.demo!.supervisor.username);
  await sup.fill('input[name=pin]', hub.demo!.supervisor.pin);
  await sup.click('[data-testid=login-submit]');
  await sup.waitForSelector('[data-testid=collection-stats]');
  const browserDay = await sup.evaluate(() => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; });
  const shownDay = await sup.inputValue('[data-testid=day]');
  // either side of the hub's midnight, should the test straddle it
  assert.ok([before, dayKey(new Date(), HUB_ZONE)].includes(shownDay), `the page shows the hub's day, not ${shownDay}`);
  assert.is.not(shownDay, browserDay, 'the browser is on another calendar day than the hub');
  assert.is((await sup.textContent('[data-testid=coll-berhasil]'))?.trim(), '1');
  assert.is((await sup.textContent('[data-testid=coll-gagal]'))?.trim(), '0');
  // done in seconds: within the 2- and 1-minute standards
  assert.is((await sup.textContent('[data-testid=coll-within-verification]'))?.trim(), '1 dari 1');
  assert.is((await sup.textContent('[data-testid=coll-within-handover]'))?.trim(), '1 dari 1');
  assert.match((await sup.textContent('[data-testid=coll-median-handover]')) ?? '', /^\d+ detik$/);
  await sup.close();
});

test.run();
