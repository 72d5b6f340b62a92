/**
 * Issue 2 end to end, in headless Chromium against a real hub (demo mode, simulated ticket
 * printer): a resident takes a ticket at the kiosk by touching the keypad, an operator calls it,
 * the waiting-room display shows and announces it, and the printed ticket carries the number.
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

// A woman born 05-08-1990 in Cibinong, Kab. Bogor (district 32.01.01).
const VALID_NIK = '3201014508900001';

let uiDir = '';
let hub: TestHub;
let browser: TestBrowser;
let kiosk: Page;
let display: Page;
let operator: Page;
let issuedLabel = '';

test.before(async () => {
  // the bundles go to a folder of this test's own, so a parallel `npm run build` cannot disturb them
  uiDir = mkdtempSync(join(tmpdir(), 'e2e-ui-'));
  await buildUi({ outDir: uiDir });
  hub = await startTestHub({ mode: 'demo', uiDir });
  // a browser clock ten hours from the office's (Asia/Jakarta): the screens must show office time
  browser = await launchBrowser({ timezoneId: 'America/Sao_Paulo' });
});

test.after(async () => {
  await browser?.close();
  await hub?.destroy();
  if (uiDir) rmSync(uiDir, { recursive: true, force: true });
});

async function touchDigits(page: Page, digits: string) {
  for (const d of digits) await page.click(`[data-testid=key-${d}]`);
}

test('the display opens with its device token and shows every counter', async () => {
  display = await browser.newPage({ width: 1920, height: 1080 });
  await display.goto(`${hub.url}/display/?token=${hub.demo!.displayToken}&autoplay=1`);
  await display.waitForSelector('qd-counter-tile[data-counter="loket-1"]');
  assert.not.ok(display.url().includes('token='), 'the token is taken out of the address bar');
  assert.is(await display.locator('[data-testid=offline-banner]').count(), 0);
});

test('the display clock shows the office time, not the display PC\'s zone', async () => {
  const hour = () => new Date().toLocaleTimeString('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Jakarta' }).slice(0, 2);
  const before = hour();
  const shown = ((await display.textContent('[data-testid=clock]')) ?? '').trim().slice(0, 2);
  // either side of the hour, should the reading straddle it
  assert.ok([before, hour()].includes(shown), `clock hour ${shown}, office hour ${before}`);
});

test('kiosk: a short NIK and an unknown region get their specific messages', async () => {
  kiosk = await browser.newPage({ width: 1280, height: 800 });
  await kiosk.goto(`${hub.url}/kiosk/?token=${hub.demo!.kioskToken}`);
  await kiosk.click('[data-testid=service-A]');
  await touchDigits(kiosk, '320101450890');
  assert.is(await kiosk.textContent('[data-testid=nik-display]'), '320101450890····');
  await kiosk.click('[data-testid=next]');
  assert.is(await kiosk.textContent('[data-testid=nik-error]'), 'NIK harus 16 digit — Anda baru memasukkan 12 digit.');

  await kiosk.click('[data-testid=key-clear]');
  await touchDigits(kiosk, '9999994508900001');
  await kiosk.click('[data-testid=next]');
  assert.is(await kiosk.textContent('[data-testid=nik-error]'), 'Kode wilayah 999999 tidak dikenal. Periksa 6 digit pertama NIK Anda.');

  // the English switch says the same in English
  await kiosk.click('[data-testid=lang-switch]');
  assert.is(await kiosk.textContent('[data-testid=nik-error]'), 'Region code 999999 is not known. Check the first 6 digits of your NIK.');
  await kiosk.click('[data-testid=lang-switch]');
  assert.is(await kiosk.locator('[data-testid=step-nik]').count(), 1, 'still on the NIK step');
});

test('kiosk: a valid NIK leads to what to bring, the priority choice and the ticket', async () => {
  await kiosk.click('[data-testid=key-clear]');
  await touchDigits(kiosk, VALID_NIK);
  await kiosk.click('[data-testid=next]');
  await kiosk.waitForSelector('[data-testid=step-requirements]');
  assert.match(await kiosk.textContent('[data-testid=step-requirements]') ?? '', 'Kartu Keluarga');
  await kiosk.click('[data-testid=next]');
  await kiosk.click('[data-testid=priority-none]');
  await kiosk.click('[data-testid=take-ticket]');
  await kiosk.waitForSelector('[data-testid=step-ticket]');
  issuedLabel = (await kiosk.textContent('[data-testid=ticket-label]'))!.trim();
  assert.match(issuedLabel, /^A-\d{3}$/);
  assert.is(await kiosk.locator('[data-testid=ticket-qr]').count(), 1);
  assert.is(await kiosk.locator('[data-testid=printer-fault]').count(), 0, 'the simulated printer printed it');
});

test('the printed ticket carries the number, and the time the kiosk showed', async () => {
  const printed = hub.printer.getPrinted();
  const ticket = printed.find((p) => p.text.includes(issuedLabel));
  assert.ok(ticket, `a printed ticket with ${issuedLabel}: ${JSON.stringify(printed.map((p) => p.text))}`);
  const [, hh, mm] = /\d{2}-\d{2}-\d{4} (\d{2}):(\d{2})/.exec(ticket!.text) ?? [];
  assert.ok(hh && mm, `a time on the ticket: ${ticket!.text}`);
  assert.match((await kiosk.textContent('[data-testid=ticket-taken-at]')) ?? '', `${hh}.${mm}`);
  assert.ok(printed.every((p) => !p.text.includes(VALID_NIK)), 'the ticket does not print the NIK');
});

test('operator: signs in, picks a counter and calls the ticket', async () => {
  operator = await browser.newPage({ width: 1280, height: 800 });
  await operator.goto(`${hub.url}/operator/`);
  await operator.fill('input[name=username]', hub.demo!.operator.username);
  await operator.fill('input[name=pin]', hub.demo!.operator.pin);
  await operator.click('[data-testid=login-submit]');
  await operator.click('[data-testid=counter-loket-1]');
  await operator.waitForSelector('[data-testid=current-empty]');
  await operator.click('[data-testid=call-next]');
  await operator.waitForSelector('[data-testid=current-label]');
  assert.is(await operator.textContent('[data-testid=current-label]'), issuedLabel);
  assert.is(await operator.textContent('[data-testid=current-status]'), 'Dipanggil');
});

test('the display shows the number at that counter and calls it out', async () => {
  const tile = display.locator('qd-counter-tile[data-counter="loket-1"]');
  await tile.locator('[data-testid=tile-label]').filter({ hasText: issuedLabel }).waitFor();
  assert.is(await tile.getAttribute('flash'), '', 'the new call is highlighted');
  const digits = issuedLabel.slice(2).split('').map((d) => ['nol', 'satu', 'dua', 'tiga', 'empat', 'lima', 'enam', 'tujuh', 'delapan', 'sembilan'][Number(d)]);
  const phrase = `nomor antrian A ${digits.join(' ')}, silakan ke loket satu`;
  const app = display.locator('qd-app');
  assert.is(await app.getAttribute('data-last-call'), phrase);
  // chime + clips played to the end (the Chromium flag allows audio without a tap)
  await display.waitForFunction((p) => (document.querySelector('qd-app') as HTMLElement | null)?.dataset.lastSpoken === p, phrase, { timeout: 20_000 });
  const lastCalls = await app.locator('[data-testid=last-calls] li').first().textContent();
  assert.match(lastCalls ?? '', issuedLabel);
  // nothing personal reaches the display
  const html = await display.evaluate(() => document.querySelector('qd-app')!.shadowRoot!.innerHTML);
  assert.not.ok(html.includes(VALID_NIK) || html.includes('3201**'), 'no NIK on the display');
});

test('operator: no-show waits for the required recalls, then the ticket can be served and finished', async () => {
  // the hub requires two recalls before a no-show: the button says so until then
  assert.ok(await operator.isDisabled('[data-testid=no-show]'));
  assert.match(await operator.textContent('[data-testid=no-show-hint]') ?? '', /2× panggil ulang \(baru 0×\)/);
  await operator.click('[data-testid=recall]');
  await operator.waitForSelector('[data-testid=recall-count]:has-text("1×")');
  await display.waitForFunction(() => (document.querySelector('qd-app') as HTMLElement | null)?.dataset.spokenCount === '2', null, { timeout: 20_000 });
  assert.ok(await operator.isDisabled('[data-testid=no-show]'), 'one recall is not enough');
  await operator.click('[data-testid=recall]');
  await operator.waitForSelector('[data-testid=recall-count]:has-text("2×")');
  await operator.waitForSelector('[data-testid=no-show]:not([disabled])');
  await operator.click('[data-testid=start]');
  await operator.waitForSelector('[data-testid=current-status]:has-text("Sedang dilayani")');
  await operator.click('[data-testid=finish]');
  await operator.click('[data-testid=finish-submit]');
  await operator.waitForSelector('[data-testid=current-empty]');
  assert.match(await operator.textContent('[data-testid=action-message]') ?? '', `${issuedLabel} selesai`);
});

test.run();
