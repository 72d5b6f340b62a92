/**
 * The hub's devices in demo mode (drivers on in-memory links to the simulators), driven through the
 * simulator panel's API as the panel and the end-to-end tests do: card reading with passive
 * authentication, and operator fingerprint enrolment and sign-in (SOP A2.g).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nextEvent, startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
let sup: string;

test.before(async () => {
  hub = await startTestHub({ printer: { port: 'simulator', baudRate: 9600 } });
  sup = await hub.login('supervisor');
});
test.after(async () => { await hub.destroy(); });

test('all four devices are online on their simulators and reported in health', async () => {
  const h = await hub.api('GET', '/api/health');
  const byId = Object.fromEntries(h.body.devices.map((d: any) => [d.id, d.status]));
  assert.equal(byId, { printer: 'online', fingerprint: 'online', signature: 'online', card: 'online' });
  assert.is(h.body.status, 'ok');
});

test('a test card put on the reader is announced and reads with passive authentication', async () => {
  const kiosk = hub.socket('/kiosk', hub.demo!.kioskToken);
  await nextEvent(kiosk, 'devices:state');
  const present = nextEvent(kiosk, 'card:present', (e: any) => e.present === true);
  assert.is((await hub.api('POST', '/api/sim/card/insert', sup, { residentId: 'r2' })).status, 200);
  await present;
  const state = await hub.api('GET', '/api/sim/state', sup);
  assert.equal(state.body.card.inserted, { residentId: 'r2', variant: 'good' });
  const read = await hub.context.devices.card!.readCard({ trust: await hub.context.devices.cardTrust() });
  assert.ok(read.ok, JSON.stringify(read));
  if (read.ok) {
    assert.is(read.card.dg1.name, 'BUDI SANTOSO');
    assert.is(read.card.dg1.nik, '3201011203850002');
  }
  const gone = nextEvent(kiosk, 'card:present', (e: any) => e.present === false);
  await hub.api('POST', '/api/sim/card/remove', sup, {});
  await gone;
});

test('tampered cards are refused with the reason', async () => {
  const expect = { changedDg: 'DG_HASH_MISMATCH', badSignature: 'SOD_SIGNATURE_INVALID', unknownCa: 'UNTRUSTED_SIGNER', truncated: 'FILE_TRUNCATED' };
  for (const [variant, code] of Object.entries(expect)) {
    await hub.api('POST', '/api/sim/card/insert', sup, { residentId: 'r1', variant });
    const read = await hub.context.devices.card!.readCard({ trust: await hub.context.devices.cardTrust() });
    assert.is(read.ok ? 'ok' : read.code, code, variant);
    await hub.api('POST', '/api/sim/card/remove', sup, {});
  }
});

test('a supervisor enrols the operator\'s right index; sign-in then needs PIN and that finger', async () => {
  const ops = await hub.api('GET', '/api/supervisor/operators', sup);
  const op = ops.body.operators.find((o: any) => o.username === 'operator1');
  assert.is(op.fingerprintEnrolled, false);

  const supSocket = hub.socket('/supervisor', sup);
  await nextEvent(supSocket, 'devices:state');
  const guidance: string[] = [];
  supSocket.on('fingerprint:event', (e: any) => guidance.push(e.event));
  await hub.api('POST', '/api/sim/fingerprint/place', sup, { residentId: 'op1', finger: 'rightIndex', impression: 1 });
  const enrolled = await hub.api('POST', `/api/supervisor/operators/${op.id}/fingerprint`, sup, {});
  assert.is(enrolled.status, 200, JSON.stringify(enrolled.body));
  assert.ok(enrolled.body.quality >= 40);
  assert.ok(guidance.includes('hold_still'), guidance.join(','));
  assert.ok((await hub.api('GET', '/api/supervisor/operators', sup)).body.operators.find((o: any) => o.id === op.id).fingerprintEnrolled);

  const step1 = await hub.api('POST', '/api/auth/login', undefined, hub.demo!.operator);
  assert.is(step1.body.fingerprintRequired, true);
  assert.not.ok(step1.body.token, 'no session before the finger');
  await hub.api('POST', '/api/sim/fingerprint/place', sup, { residentId: 'op1', finger: 'rightIndex', impression: 3 });
  const step2 = await hub.api('POST', '/api/auth/login/fingerprint', undefined, { challenge: step1.body.challenge });
  assert.is(step2.status, 200, JSON.stringify(step2.body));
  assert.is(step2.body.role, 'operator');
  assert.is((await hub.api('GET', '/api/queue', step2.body.token)).status, 200);
  const reuse = await hub.api('POST', '/api/auth/login/fingerprint', undefined, { challenge: step1.body.challenge });
  assert.is(reuse.body.error.code, 'CHALLENGE_EXPIRED', 'a challenge serves once');
});

test('another person\'s finger is refused, counted and audited', async () => {
  const step1 = await hub.api('POST', '/api/auth/login', undefined, hub.demo!.operator);
  await hub.api('POST', '/api/sim/fingerprint/place', sup, { residentId: 'r3', finger: 'rightIndex', impression: 1 });
  const step2 = await hub.api('POST', '/api/auth/login/fingerprint', undefined, { challenge: step1.body.challenge });
  assert.is(step2.status, 401);
  assert.is(step2.body.error.code, 'FINGERPRINT_MISMATCH');
  const audit = await hub.context.db.all<{ action: string }>(`SELECT action FROM audit_log WHERE action = 'login.fingerprint_mismatch'`);
  assert.is(audit.length, 1);
});

test('a signature drawn on the pad streams live to the kiosk and comes back as PNG and SVG', async () => {
  const kioskToken = hub.demo!.kioskToken;
  const kiosk = hub.socket('/kiosk', kioskToken);
  await nextEvent(kiosk, 'devices:state');
  const empty = await hub.api('POST', '/api/devices/signature/finish', kioskToken, {});
  assert.is(empty.body.error?.code ?? 'none', 'EMPTY_SIGNATURE');
  assert.is((await hub.api('POST', '/api/devices/signature/start', kioskToken, {})).status, 200);
  const points: any[] = [];
  kiosk.on('signature:point', (p: any) => points.push(p));
  const tipDown = nextEvent(kiosk, 'signature:point', (p: any) => p.tip && p.x > 0.55);
  const stroke = Array.from({ length: 30 }, (_, i) => ({ x: 0.2 + i * 0.015, y: 0.5 + Math.sin(i / 4) * 0.1, pressure: 0.6 }));
  assert.is((await hub.api('POST', '/api/sim/signature/stroke', sup, { points: stroke })).status, 200);
  await tipDown;
  assert.ok(points.every((p) => p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1), 'points scaled to the pad');
  const done = await hub.api('POST', '/api/devices/signature/finish', kioskToken, {});
  assert.is(done.status, 200, JSON.stringify(done.body));
  assert.is(done.body.strokes, 1);
  assert.match(done.body.svg, /<svg[\s\S]*<path/);
  assert.match(done.body.pngDataUrl, /^data:image\/png;base64,/);
});

test('an officer can give up on the finger: the capture stops at once and the scanner is free', async () => {
  const step1 = await hub.api('POST', '/api/auth/login', undefined, hub.demo!.operator);
  assert.is(step1.body.fingerprintRequired, true);
  await hub.api('POST', '/api/sim/fingerprint/lift', sup, {});
  const waiting = hub.api('POST', '/api/auth/login/fingerprint', undefined, { challenge: step1.body.challenge });
  // wait until the capture runs (the scanner reports busy), then give up
  for (let i = 0; i < 200; i++) {
    const d = await hub.api('GET', '/api/devices', sup);
    if (d.body.devices.find((x: any) => x.id === 'fingerprint').status === 'busy') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal((await hub.api('POST', '/api/auth/login/fingerprint/cancel', undefined, { challenge: step1.body.challenge })).body, { ok: true });
  const r = await waiting;
  assert.is(r.status, 409);
  assert.is(r.body.error.code, 'CAPTURE_CANCELLED');
  const again = await hub.api('POST', '/api/auth/login/fingerprint', undefined, { challenge: step1.body.challenge });
  assert.is(again.body.error.code, 'CHALLENGE_EXPIRED', 'a cancelled challenge is spent');
  // the scanner is free for the next sign-in
  const step2 = await hub.api('POST', '/api/auth/login', undefined, hub.demo!.operator);
  await hub.api('POST', '/api/sim/fingerprint/place', sup, { residentId: 'op1', finger: 'rightIndex', impression: 4 });
  assert.is((await hub.api('POST', '/api/auth/login/fingerprint', undefined, { challenge: step2.body.challenge })).status, 200);
});

test('the simulator panel refuses kiosk and display tokens', async () => {
  assert.is((await hub.api('GET', '/api/sim/state', hub.demo!.kioskToken)).status, 403);
  assert.is((await hub.api('POST', '/api/sim/card/insert', hub.demo!.displayToken, { residentId: 'r1' })).status, 403);
});

test('in production mode the simulator panel does not exist', async () => {
  const prod = await startTestHub({ mode: 'production', printer: { port: 'none', baudRate: 9600 }, fingerprint: { port: 'none', baudRate: 57600 }, signaturePad: { port: 'none', baudRate: 19200 }, cardReader: { mode: 'none' } });
  try {
    assert.is(prod.demo, null, 'no demo people or credentials in production');
    const users = await prod.context.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    assert.is(users!.n, 0);
    await prod.context.auth.createUser('sup', 'Sup', 'supervisor', '246810');
    const t = (await prod.api('POST', '/api/auth/login', undefined, { username: 'sup', pin: '246810' })).body.token;
    const r = await prod.api('GET', '/api/sim/state', t);
    assert.is(r.status, 404);
  } finally {
    await prod.destroy();
  }
});

test.run();
