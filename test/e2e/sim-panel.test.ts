/**
 * The simulator panel (/sim/, demo mode) in headless Chromium against a real hub: an operator signs
 * in, puts a card on the reader and a finger on the scanner with the panel's buttons, draws a
 * signature stroke on its canvas, runs the ticket printer out of paper and back, and sees the slips.
 * What the panel did is checked through the hub's own API, not through the panel.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { buildUi } from '../../scripts/build-ui.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { nik, startTestHub, type TestHub } from '../support/hub.ts';

const SHOTS = process.env.UI_SHOTS_DIR ?? '';

let uiDir = '';
let hub: TestHub;
let browser: TestBrowser;
let page: Page;
let sup = '';

test.before(async () => {
  uiDir = mkdtempSync(join(tmpdir(), 'e2e-sim-ui-'));
  await buildUi({ outDir: uiDir });
  hub = await startTestHub({ mode: 'demo', uiDir });
  sup = await hub.login('supervisor');
  browser = await launchBrowser();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

test.after(async () => {
  await browser?.close();
  await hub?.destroy();
  if (uiDir) rmSync(uiDir, { recursive: true, force: true });
});

const simState = async () => (await hub.api('GET', '/api/sim/state', sup)).body;
const shot = async (name: string) => { if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`) }); };

test('an operator signs in on /sim/ and sees the test people', async () => {
  page = await browser.newPage({ width: 1280, height: 800 });
  await page.goto(`${hub.url}/sim/`);
  await page.fill('input[name=username]', hub.demo!.operator.username);
  await page.fill('input[name=pin]', hub.demo!.operator.pin);
  await page.click('[data-testid=login-submit]');
  await page.waitForSelector('[data-testid=person-r1]');
  assert.match(await page.textContent('[data-testid=person-op1]') ?? '', 'Operator Satu');
  assert.is(await page.textContent('[data-testid=scanner-now]'), 'Kosong');
});

test('a card with a changed data group goes on the reader and comes off again', async () => {
  await page.selectOption('[data-testid=card-variant-r2]', 'changedDg');
  assert.match(await page.textContent('[data-testid=person-r2] .variant-explain') ?? '', 'hash tidak cocok');
  await page.click('[data-testid=insert-card-r2]');
  await page.waitForSelector('[data-testid=card-now]:has-text("BUDI SANTOSO")');
  assert.equal((await simState()).card.inserted, { residentId: 'r2', variant: 'changedDg' });
  assert.match(await page.textContent('[data-testid=card-now]') ?? '', 'Data diubah');
  await page.click('[data-testid=remove-card]');
  await page.waitForSelector('[data-testid=card-now]:has-text("Kosong")');
  assert.is((await simState()).card.inserted, null);
});

test('a finger is placed with the chosen impression and lifted', async () => {
  await page.selectOption('[data-testid=impression-r1]', '3');
  await page.click('[data-testid=place-right-r1]');
  await page.waitForSelector('[data-testid=scanner-now]:has-text("SITI NURHALIZA")');
  assert.equal((await simState()).scanner.fingerOn, { residentId: 'r1', finger: 'rightIndex', impression: 3 });
  assert.match(await page.textContent('[data-testid=scanner-now]') ?? '', 'telunjuk kanan, cetakan 3');
  await shot('sim-finger-on');
  await page.click('[data-testid=lift-finger]');
  await page.waitForSelector('[data-testid=scanner-now]:has-text("Kosong")');
  assert.is((await simState()).scanner.fingerOn, null);
});

test('a stroke drawn on the canvas reaches the signature pad', async () => {
  const kiosk = hub.demo!.kioskToken;
  assert.is((await hub.api('POST', '/api/devices/signature/start', kiosk, {})).status, 200);
  const box = (await page.locator('[data-testid=sig-canvas]').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.15, box.y + box.height * 0.6);
  await page.mouse.down();
  for (let i = 1; i <= 25; i++) await page.mouse.move(box.x + box.width * (0.15 + i * 0.028), box.y + box.height * (0.6 - Math.sin(i / 3) * 0.25));
  await page.mouse.up();
  await page.waitForSelector('[data-testid=sig-sent]:has-text("Goresan terkirim: 1")');
  await shot('sim-signature');
  const done = await hub.api('POST', '/api/devices/signature/finish', kiosk, {});
  assert.is(done.status, 200, JSON.stringify(done.body));
  assert.ok(done.body.strokes >= 1, `strokes ${done.body.strokes}`);
  assert.ok(done.body.pointCount >= 2, `points ${done.body.pointCount}`);
});

test('out of paper: the ticket is not printed, the devices say so and the panel shows the fault', async () => {
  await page.click('[data-testid=printer-paper-out]');
  await page.waitForSelector('[data-testid=printer-paper-out][aria-checked=true]');
  assert.is((await simState()).printer.paperOut, true);
  const t = await hub.api('POST', '/api/tickets', hub.demo!.kioskToken, { serviceCode: 'A', nik: nik(701), priority: 'none' });
  assert.is(t.status, 201);
  assert.is(t.body.ticket.printed.code, 'PAPER_OUT');
  const devices = (await hub.api('GET', '/api/devices', sup)).body.devices;
  assert.is(devices.find((d: any) => d.id === 'printer').status, 'error');
  // the panel reads the devices again within its 2 s refresh
  await page.waitForSelector('[data-testid=devices] .device.error:has-text("Printer tiket")', { timeout: 10_000 });
  assert.match(await page.getAttribute('[data-testid=printer-status]', 'class') ?? '', 'fault');
  assert.match(await page.textContent('[data-testid=printer-status]') ?? '', 'Printer bermasalah');
  await shot('sim-paper-out');
});

test('paper back: the next ticket is printed and its slip appears in the panel', async () => {
  await page.click('[data-testid=printer-paper-out]');
  await page.waitForSelector('[data-testid=printer-paper-out][aria-checked=false]');
  const t = await hub.api('POST', '/api/tickets', hub.demo!.kioskToken, { serviceCode: 'A', nik: nik(702), priority: 'none' });
  assert.is(t.status, 201);
  assert.equal(t.body.ticket.printed, { ok: true });
  const label: string = t.body.ticket.label;
  const slip = page.locator('[data-testid=slip]').filter({ hasText: label });
  await slip.waitFor({ timeout: 10_000 });
  assert.match(await slip.locator('.slip-qr code').first().textContent() ?? '', label);
  await page.waitForSelector('[data-testid=printer-status]:has-text("Printer siap")', { timeout: 10_000 });
  await shot('sim-panel');
});

test('an operator with an enrolled finger: the panel\'s sign-in asks for it, says where it comes from, and a wrong finger goes back to the PIN', async () => {
  const ops = (await hub.api('GET', '/api/supervisor/operators', sup)).body.operators as any[];
  const opId = ops.find((o) => o.username === hub.demo!.operator.username).id;
  const enrol = hub.api('POST', `/api/supervisor/operators/${opId}/fingerprint`, sup, {});
  assert.is((await hub.api('POST', '/api/sim/fingerprint/place', sup, { residentId: 'op1', finger: 'rightIndex' })).status, 200);
  assert.is((await enrol).status, 200);
  await hub.api('POST', '/api/sim/fingerprint/lift', sup, {});

  // the tabs share one profile: sign the panel out so /sim/ asks again
  const p = page;
  await p.click('[data-testid=logout]');
  await p.fill('input[name=username]', hub.demo!.operator.username);
  await p.fill('input[name=pin]', hub.demo!.operator.pin);
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('[data-testid=fingerprint-prompt]');
  assert.match(await p.textContent('[data-testid=fingerprint-hint]') ?? '', 'Mode demo');
  await hub.api('POST', '/api/sim/fingerprint/place', sup, { residentId: 'r3', finger: 'rightIndex', impression: 1 });
  await p.waitForSelector('[data-testid=login-error]', { timeout: 40_000 });
  assert.match(await p.textContent('[data-testid=login-error]') ?? '', /^Sidik jari tidak cocok\. Coba lagi/);
  assert.is(await p.inputValue('input[name=username]'), hub.demo!.operator.username, 'the username stays');
  assert.is(await p.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name), 'pin', 'the retry starts at the PIN');
  await hub.api('POST', '/api/sim/fingerprint/lift', sup, {});
});

test('in production mode the panel says it exists only in demo mode', async () => {
  const prod = await startTestHub({
    mode: 'production', uiDir,
    printer: { port: 'none', baudRate: 9600 }, fingerprint: { port: 'none', baudRate: 57600 }, signaturePad: { port: 'none', baudRate: 19200 }, cardReader: { mode: 'none' },
  });
  try {
    await prod.context.auth.createUser('sup', 'Sup', 'supervisor', '246810');
    const p = await browser.newPage({ width: 1280, height: 800 });
    await p.goto(`${prod.url}/sim/`);
    await p.fill('input[name=username]', 'sup');
    await p.fill('input[name=pin]', '246810');
    await p.click('[data-testid=login-submit]');
    await p.waitForSelector('[data-testid=sim-unavailable]');
    assert.is(await p.textContent('[data-testid=sim-unavailable]'), 'Panel simulator hanya tersedia dalam mode demo');
    await p.close();
  } finally {
    await prod.destroy();
  }
});

test.run();
