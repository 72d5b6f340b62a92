/**
 * Card collection end to end as a resident lives it, in headless Chromium on the collection kiosk
 * screen, with the real parts: the card through pcscd + vpcd, the scanner, the pad and the printer
 * on socat PTYs with our simulators at the device end, the reference DC embedded over HTTPS.
 * The officer's part (old KTP) goes through the hub's API as the operator screen sends it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildUi } from '../../scripts/build-ui.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { startTestHub, type TestHub } from '../support/hub.ts';
import { startRealParts, type RealParts } from '../support/real-parts.ts';
import { waitFor } from '../support/dc.ts';
import { DEMO_PEOPLE } from '../../hub/demo/residents.ts';

let uiDir = '';
let parts: RealParts;
let hub: TestHub;
let browser: TestBrowser;
let page: Page;
let op = '';
const nikOf = (id: string) => DEMO_PEOPLE.find((p) => p.id === id)!.nik;

test.before(async () => {
  uiDir = mkdtempSync(join(tmpdir(), 'e2e-collection-ui-'));
  await buildUi({ outDir: uiDir });
  parts = await startRealParts();
  hub = await startTestHub({ mode: 'demo', uiDir, ...parts.hubOptions, dc: { url: 'embedded', resultDelayMs: 0, retryBaseMs: 50, pollIntervalMs: 100 } });
  op = await hub.login('operator');
  browser = await launchBrowser();
  page = await browser.newPage({ width: 1280, height: 900 });
  await page.goto(`${hub.url}/collection/?token=${hub.demo!.kioskToken}&idle=600`);
  await page.waitForSelector('[data-testid=step-identify]');
});

test.after(async () => {
  await browser?.close();
  await hub?.destroy();
  await parts?.close();
  if (uiDir) rmSync(uiDir, { recursive: true, force: true });
});

const text = async (sel: string) => (await page.textContent(sel)) ?? '';
const typeNik = async (nik: string) => { for (const d of nik) await page.click(`[data-testid=key-${d}]`); };

async function scanFinger(residentId: string, finger: 'rightIndex' | 'leftIndex', impression: number) {
  await parts.placeFinger(residentId, finger, impression);
  await page.click('[data-testid=scan]');
  await page.waitForSelector('[data-testid=scan]:not([disabled])', { timeout: 20_000 }).catch(() => undefined);
}

async function identifyAndRead(residentId: string, variant: 'good' | 'changedDg' = 'good') {
  await page.waitForSelector('[data-testid=step-identify]');
  await typeNik(nikOf(residentId));
  await page.click('[data-testid=start]');
  await page.waitForSelector('[data-testid=step-card]');
  await parts.insertCard(residentId, variant);
}

test('berhasil: the resident identifies, checks the chip data, verifies both index fingers, signs and gets a printed receipt; the DC gets the record', async () => {
  await identifyAndRead('r1');
  await page.waitForSelector('[data-testid=step-data]', { timeout: 20_000 });
  assert.match(await text('[data-testid=chip-table]'), 'SITI NURHALIZA');
  assert.match(await text('[data-testid=chip-table]'), nikOf('r1'));
  assert.match(await text('[data-testid=passive-auth]'), /asli/);
  assert.ok(await page.isVisible('[data-testid=chip-photo]'));
  await page.click('[data-testid=data-right]');

  await page.waitForSelector('[data-testid=step-fingerprint]');
  assert.match(await text('[data-testid=finger-prompt]'), 'TELUNJUK KANAN');
  await scanFinger('r1', 'rightIndex', 2);
  await page.waitForFunction(() => document.querySelector('[data-testid=finger-rightIndex]')?.textContent?.includes('Cocok'), undefined, { timeout: 20_000 });
  assert.match(await text('[data-testid=finger-prompt]'), 'TELUNJUK KIRI');
  await scanFinger('r1', 'leftIndex', 2);

  await page.waitForSelector('[data-testid=step-signature]', { timeout: 20_000 });
  assert.ok(await page.isVisible('[data-testid=wait-officer]'), 'the kiosk waits for the officer');
  assert.ok(await page.isDisabled('[data-testid=sign-done]'));
  const id = (await hub.api('GET', '/api/collections', op)).body.sessions[0].id;
  assert.is((await hub.api('POST', `/api/collections/${id}/old-ktp`, op, { value: 'withdrawn' })).status, 200);
  await page.waitForSelector('[data-testid=sign-done]:not([disabled])');
  await parts.stroke([{ x: 0.1, y: 0.6, pressure: 0.5 }, { x: 0.3, y: 0.2, pressure: 0.8 }, { x: 0.5, y: 0.7, pressure: 0.7 }, { x: 0.8, y: 0.3, pressure: 0.6 }]);
  await page.waitForSelector('[data-testid=signature-live] polyline');
  await page.click('[data-testid=sign-done]');

  await page.waitForSelector('[data-testid=step-receipt]', { timeout: 20_000 });
  const rows = await text('[data-testid=receipt-rows]');
  assert.match(rows, 'SITI NURHALIZA');
  assert.match(rows, 'BERHASIL');
  assert.match(rows, 'DITARIK');
  assert.not.match(rows, nikOf('r1'), 'the receipt masks the NIK');
  await page.waitForFunction(() => document.querySelector('[data-testid=receipt-printed]')?.textContent?.includes('dicetak'), undefined, { timeout: 20_000 });
  const paper = parts.printer.getPrinted().at(-1)!;
  const lines = paper.lines.join('\n');
  assert.match(lines, /TANDA TERIMA KTP-el/);
  assert.match(lines, /Nama: SITI NURHALIZA/);
  assert.match(lines, /No\. seri kartu: KTPDEMO900001/);
  assert.match(lines, /Hasil verifikasi: BERHASIL/);
  assert.match(lines, /Petugas: Operator Satu/);
  assert.is(paper.qrCodes.length, 1);
  assert.match(paper.qrCodes[0]!, /^KTPR1\|/);
  assert.is(paper.images.length, 1, 'the signature is printed');

  const delivered = await waitFor('the DC to acknowledge the collection record',
    () => hub.context.db.all<{ kind: string; status: string }>(`SELECT kind, status FROM outbox WHERE kind = 'collection_result'`),
    (rows) => rows.length === 1 && rows[0]!.status === 'delivered', 20_000);
  assert.is(delivered[0]!.kind, 'collection_result');

  await page.click('[data-testid=finish]');
  await page.waitForSelector('[data-testid=step-identify]');
  await parts.removeCard();
});

test('the card lifted mid-flow: the kiosk says so and goes on when the same card is back', async () => {
  await identifyAndRead('r4');
  await page.waitForSelector('[data-testid=step-data]', { timeout: 20_000 });
  await page.click('[data-testid=data-right]');
  await page.waitForSelector('[data-testid=step-fingerprint]');
  await parts.removeCard();
  await page.waitForSelector('[data-testid=notice]', { timeout: 20_000 });
  assert.match(await text('[data-testid=notice]'), /Kartu diangkat/);
  assert.ok(await page.isDisabled('[data-testid=scan]'));
  await parts.insertCard('r4');
  await page.waitForSelector('[data-testid=scan]:not([disabled])', { timeout: 20_000 });
  assert.not.ok(await page.isVisible('[data-testid=notice]'));
  const id = (await hub.api('GET', '/api/collections', op)).body.sessions.find((s: any) => s.step === 'fingerprint').id;
  await hub.api('POST', `/api/collections/${id}/cancel`, op, { reason: 'uji kartu diangkat' });
  await page.waitForSelector('[data-testid=step-cancelled]');
  await page.click('[data-testid=finish]');
  await parts.removeCard();
});

test('gagal: someone else\'s finger fails three tries; the kiosk sends the resident to the officer and the card is recorded for return', async () => {
  await identifyAndRead('r2');
  await page.waitForSelector('[data-testid=step-data]', { timeout: 20_000 });
  await page.click('[data-testid=data-right]');
  await page.waitForSelector('[data-testid=step-fingerprint]');
  await scanFinger('r3', 'rightIndex', 1);
  await page.waitForSelector('[data-testid=try-result]', { timeout: 20_000 });
  assert.match(await text('[data-testid=try-result]'), /Sisa percobaan: 2/);
  await scanFinger('r3', 'rightIndex', 2);
  await page.waitForFunction(() => document.querySelector('[data-testid=try-result]')?.textContent?.includes('Sisa percobaan: 1'), undefined, { timeout: 20_000 });
  await scanFinger('r3', 'rightIndex', 3);
  await page.waitForSelector('[data-testid=step-failed]', { timeout: 20_000 });
  assert.match(await text('[data-testid=step-failed]'), /dikembalikan ke Kemendagri/);
  const kinds = (await hub.context.db.all<{ kind: string }>(`SELECT kind FROM outbox ORDER BY id`)).map((r) => r.kind);
  assert.equal(kinds.slice(-2), ['collection_result', 'card_return']);
  const stock = await hub.api('GET', '/api/stock', op);
  assert.ok(stock.body.returned.some((x: any) => x.cardSerial === 'KTPDEMO850002'));
  await page.click('[data-testid=finish]');
  await parts.removeCard();
});

test('a tampered card is refused at data reading: no chip data shown, the resident waits for the officer', async () => {
  await identifyAndRead('r3', 'changedDg');
  await page.waitForSelector('[data-testid=step-held]', { timeout: 20_000 });
  assert.match(await text('[data-testid=step-held]'), /ditolak/);
  assert.not.ok(await page.isVisible('[data-testid=chip-table]'));
  const id = (await hub.api('GET', '/api/collections', op)).body.sessions.find((s: any) => s.step === 'held').id;
  assert.is((await hub.api('POST', `/api/collections/${id}/cancel`, op, { reason: 'kartu ditolak' })).status, 200);
  await page.waitForSelector('[data-testid=step-cancelled]');
  await page.click('[data-testid=finish]');
  await parts.removeCard();
});

test('identification faults are shown in Indonesian; a queue ticket\'s QR scanned into the kiosk finds the card', async () => {
  await page.waitForSelector('[data-testid=step-identify]');
  await page.fill('[data-testid=scan-input]', 'KTPQ1|palsu|B-001|AAAAAAAAAAAAAAAA');
  await page.press('[data-testid=scan-input]', 'Enter');
  await page.waitForSelector('[data-testid=fault]');
  assert.match(await text('[data-testid=fault]'), /tidak dikenali/);
  await typeNik(nikOf('r1'));
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => document.querySelector('[data-testid=fault]')?.textContent?.includes('sudah diambil'));
  await page.click('[data-testid=key-clear]');

  const ticket = await hub.api('POST', '/api/tickets', hub.demo!.kioskToken, { serviceCode: 'B', nik: nikOf('r4'), priority: 'none' });
  await page.fill('[data-testid=scan-input]', ticket.body.ticket.qrText);
  await page.press('[data-testid=scan-input]', 'Enter');
  await page.waitForSelector('[data-testid=step-card]');
  assert.match(await text('[data-testid=step-card]'), 'AGUS PRASETYO');
});

test('an idle kiosk wipes the session from its screen; the case and the card are unchanged', async () => {
  await page.goto(`${hub.url}/collection/?idle=10`);
  await page.waitForSelector('[data-testid=step-card]');
  await page.waitForSelector('[data-testid=idle-countdown]', { timeout: 15_000 });
  await page.waitForSelector('[data-testid=step-identify]', { timeout: 15_000 });
  const rows = await hub.context.db.all<{ status: string; end_reason: string }>(`SELECT status, end_reason FROM collections ORDER BY started_at DESC LIMIT 1`);
  assert.equal(rows[0], { status: 'abandoned', end_reason: 'kiosk idle' });
  const stock = await hub.api('GET', '/api/stock', op);
  assert.ok(stock.body.inStock.some((x: any) => x.cardSerial === 'KTPDEMO000004'));
  // the hub's "abandoned" news must not bring the wiped session back
  await page.waitForTimeout(500);
  assert.ok(await page.isVisible('[data-testid=step-identify]'));
  assert.not.ok(await page.isVisible('[data-testid=step-cancelled]'));

  // digits typed and left behind are wiped too (20 s: the countdown covers only the last 10)
  await page.goto(`${hub.url}/collection/?idle=20`);
  await page.waitForSelector('[data-testid=step-identify]');
  await typeNik('3201');
  await page.waitForFunction(() => document.querySelector('[data-testid=nik-display]')?.textContent?.includes('3201'), undefined, { timeout: 5000 }).catch(async () => { throw new Error('nik display: ' + await text('[data-testid=step-identify]')); });
  await page.waitForSelector('[data-testid=idle-countdown]', { timeout: 25_000 });
  await page.waitForFunction(() => !document.querySelector('[data-testid=nik-display]')?.textContent?.includes('3201'), undefined, { timeout: 25_000 });
});

test.run();
