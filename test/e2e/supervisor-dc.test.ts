/**
 * The supervisor page's DC sections and the operator's fingerprint, in headless Chromium against a
 * real hub with the embedded reference DC: a duplicate of a gallery person comes back for
 * clarification and is resolved in the page; the supervisor enrols the demo operator's right index
 * with live guidance, and the operator then signs in with PIN and that finger.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { DEFAULT_TEST_RESIDENTS } from '../../hub/reference-dc/index.ts';
import { buildUi } from '../../scripts/build-ui.ts';
import { launchBrowser, type TestBrowser } from '../support/browser.ts';
import { isoTemplate, waitFor } from '../support/dc.ts';
import { nik, startTestHub, type TestHub } from '../support/hub.ts';

const SHOTS = process.env.UI_SHOTS_DIR ?? '';

let uiDir = '';
let hub: TestHub;
let browser: TestBrowser;
let page: Page;
let sup = '';
let op = '';
let caseId = '';

test.before(async () => {
  uiDir = mkdtempSync(join(tmpdir(), 'e2e-sup-ui-'));
  await buildUi({ outDir: uiDir });
  hub = await startTestHub({ mode: 'demo', uiDir, dc: { url: 'embedded', resultDelayMs: 50, pollIntervalMs: 100 } });
  sup = await hub.login('supervisor');
  op = await hub.login('operator');
  browser = await launchBrowser();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

test.after(async () => {
  await browser?.close();
  await hub?.destroy();
  if (uiDir) rmSync(uiDir, { recursive: true, force: true });
});

const shot = async (p: Page, name: string) => { if (SHOTS) await p.screenshot({ path: join(SHOTS, `${name}.png`) }); };
const openClarifications = async () => (await hub.api('GET', '/api/supervisor/clarifications', sup)).body.clarifications as any[];

test('a record with the fingers of a gallery person comes back duplicate', async () => {
  const known = DEFAULT_TEST_RESIDENTS[0]!;
  const r = await hub.api('POST', '/api/cases/enrolments', op, {
    nik: nik(801), fullName: 'Warga Uji Ganda',
    fingerprints: [
      { position: 2, format: 'iso19794-2', data: isoTemplate(...known.otherImpressions.rightIndex) },
      { position: 7, format: 'iso19794-2', data: isoTemplate(...known.otherImpressions.leftIndex) },
    ],
  });
  assert.is(r.status, 201, JSON.stringify(r.body));
  caseId = r.body.case.id;
  const open = await waitFor('the clarification', openClarifications, (l) => l.some((c) => c.caseId === caseId));
  assert.is(open.length, 1);
});

test('the supervisor signs in and sees the DC reachable with nothing waiting', async () => {
  page = await browser.newPage({ width: 1280, height: 800 });
  await page.goto(`${hub.url}/supervisor/`);
  await page.fill('input[name=username]', hub.demo!.supervisor.username);
  await page.fill('input[name=pin]', hub.demo!.supervisor.pin);
  await page.click('[data-testid=login-submit]');
  await page.click('[data-testid=tab-dc]');
  await page.waitForSelector('[data-testid=dc-reachable][data-reachable=true]');
  assert.is((await page.textContent('[data-testid=dc-reachable]'))?.trim(), 'Pusat data terhubung');
  assert.is(await page.textContent('[data-testid=dc-registered]'), 'Ya');
  await page.waitForSelector('[data-testid=dc-depth]:has-text("0")');
  assert.is(await page.locator('[data-testid=dead-letters-empty]').count(), 1);
  await shot(page, 'supervisor-dc');
});

test('the duplicate is listed with the candidate and resolved in the page', async () => {
  assert.match(await page.textContent('[data-testid=tab-clarifications]') ?? '', /Klarifikasi data ganda\s*1/);
  await page.click('[data-testid=tab-clarifications]');
  const card = page.locator('[data-testid=clarification]');
  await card.waitFor();
  const text = await card.textContent() ?? '';
  assert.match(text, '3201**********01', 'the new record\'s masked NIK');
  assert.match(text, DEFAULT_TEST_RESIDENTS[0]!.identityId);
  assert.not.match(text, nik(801), 'no full NIK on the page');
  await card.locator('[data-testid=resolution-same_person]').check();
  assert.ok(await card.locator('[data-testid=clarification-submit]').isDisabled(), 'a note is required');
  await card.locator('[data-testid=clarification-note]').fill('Warga sudah pernah merekam; data lama dipakai.');
  await shot(page, 'supervisor-clarification');
  await card.locator('[data-testid=clarification-submit]').click();
  await page.waitForSelector('[data-testid=clarifications-empty]');
  assert.match(await page.textContent('[data-testid=clarification-message]') ?? '', 'Orang yang sama');
  assert.equal(await openClarifications(), []);
});

test('a record the DC refuses shows in the dead-letter table and can be sent again', async () => {
  // a record body the DC must refuse, as a bug would produce it, behind the valid case
  const recordId = randomUUID();
  await hub.context.db.transaction((q) => hub.context.outbox.enqueue(q, {
    recordId, hubId: hub.config.dc.hubId, caseRef: caseId, kind: 'card_return', createdAt: new Date().toISOString(), body: { nik: 'x' },
  }, new Date()));
  await page.click('[data-testid=tab-dc]');
  const row = page.locator(`[data-testid=dead-letters] tr[data-record="${recordId}"]`);
  await row.waitFor({ timeout: 20_000 });
  assert.match(await row.textContent() ?? '', 'INVALID_RECORD');
  assert.match(await row.textContent() ?? '', caseId.slice(0, 8));
  assert.is((await page.textContent('[data-testid=dc-reachable]'))?.trim(), 'Terhubung — 1 data gagal dikirim');
  await shot(page, 'supervisor-dead-letter');
  const before = await hub.context.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE '%retry%'`);
  await page.click(`[data-testid="retry-${recordId}"]`);
  await page.waitForSelector('text=dikirim ulang');
  const after = await hub.context.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE '%retry%'`);
  assert.is(after!.n - before!.n, 1, 'the retry is audited');
  // the DC refuses it again: it comes back to the table
  await row.waitFor({ timeout: 20_000 });
});

test('the supervisor records the operator\'s finger while the page says what to do', async () => {
  await page.click('[data-testid=tab-fingers]');
  await page.waitForSelector('[data-testid=enrolled-operator1]:has-text("Belum")');
  await page.click('[data-testid=enrol-operator1]');
  // no finger on the scanner yet: the page asks for it
  await page.waitForSelector('[data-testid=enrol-guidance]:has-text("Letakkan jari")');
  await shot(page, 'supervisor-enrol-live');
  assert.is((await hub.api('POST', '/api/sim/fingerprint/place', sup, { residentId: 'op1', finger: 'rightIndex' })).status, 200);
  await page.waitForSelector('[data-testid=fingers-message]:has-text("Kualitas")', { timeout: 40_000 });
  assert.match(await page.textContent('[data-testid=fingers-message]') ?? '', /Sidik jari Operator Satu terekam\. Kualitas: \d+\./);
  await page.waitForSelector('[data-testid=enrolled-operator1]:has-text("Terekam")');
  await shot(page, 'supervisor-fingers');
  await hub.api('POST', '/api/sim/fingerprint/lift', sup, {});
  const ops = (await hub.api('GET', '/api/supervisor/operators', sup)).body.operators;
  assert.ok(ops.find((o: any) => o.username === 'operator1').fingerprintEnrolled);
});

async function signInOperator(p: Page) {
  await p.fill('input[name=username]', hub.demo!.operator.username);
  await p.fill('input[name=pin]', hub.demo!.operator.pin);
  await p.click('[data-testid=login-submit]');
  await p.waitForSelector('[data-testid=fingerprint-prompt]');
}

test('another person\'s finger is refused with a plain message and back to the PIN', async () => {
  const p = await browser.newPage({ width: 1280, height: 800 });
  await p.goto(`${hub.url}/operator/`);
  await signInOperator(p);
  await hub.api('POST', '/api/sim/fingerprint/place', sup, { residentId: 'r3', finger: 'rightIndex', impression: 1 });
  await p.waitForSelector('[data-testid=login-error]', { timeout: 40_000 });
  assert.match(await p.textContent('[data-testid=login-error]') ?? '', /^Sidik jari tidak cocok\./);
  assert.is(await p.inputValue('input[name=pin]'), '', 'the PIN is asked again');
  await hub.api('POST', '/api/sim/fingerprint/lift', sup, {});
  await p.close();
});

test('"Batal" on the finger step stops the capture and goes back to the PIN; the scanner is free again', async () => {
  const p = await browser.newPage({ width: 1280, height: 800 });
  await p.goto(`${hub.url}/operator/`);
  await signInOperator(p);
  await p.click('[data-testid=fingerprint-cancel]');
  await p.waitForSelector('[data-testid=login-form]');
  assert.is(await p.inputValue('input[name=pin]'), '', 'the PIN is asked again');
  assert.is(await p.inputValue('input[name=username]'), hub.demo!.operator.username);
  const fp = (await hub.api('GET', '/api/devices', sup)).body.devices.find((d: any) => d.id === 'fingerprint');
  assert.is.not(fp.status, 'busy');
  await p.close();
});

test('the operator signs in with PIN and the enrolled finger and lands on the counter choice', async () => {
  const p = await browser.newPage({ width: 1280, height: 800 });
  await p.goto(`${hub.url}/operator/`);
  await signInOperator(p);
  assert.is(await p.textContent('[data-testid=fingerprint-prompt]'), 'Letakkan jari telunjuk kanan Anda pada pemindai sidik jari');
  await shot(p, 'operator-fingerprint-step');
  await hub.api('POST', '/api/sim/fingerprint/place', sup, { residentId: 'op1', finger: 'rightIndex', impression: 2 });
  await p.waitForSelector('[data-testid=counter-loket-1]', { timeout: 40_000 });
  await hub.api('POST', '/api/sim/fingerprint/lift', sup, {});
  await p.close();
});

test.run();
