/**
 * The hub's own time per card collection, without the person: the card is already on the reader,
 * each finger already on the scanner and the signature already on the pad when the hub is asked,
 * so what is timed is the hub and its device links (card read with passive authentication, two
 * captures + extraction + 1:1 matches, the berhasil transaction, the receipt's print job).
 *
 *   npm run bench:collection [-- --collections 20] [--real]
 *
 * A demo hub (a real SQLite file) driven over HTTP as the kiosk does; its drivers run on in-memory
 * links to the simulators, or with --real on the real OS channels: socat PTYs for the scanner, pad
 * and printer, pcscd + vpcd for the card (needs root, socat, pcscd, vsmartcard-vpcd). Each run
 * makes its own residents and cards (fingers of FVC2002 DB1_B).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub } from '../../hub/index.ts';
import { createLogger } from '../../hub/log.ts';
import { seedDemoStock } from '../../hub/seed.ts';
import { DEMO_PEOPLE, demoCardSerial, type DemoPerson } from '../../hub/demo/residents.ts';
import { card as cardLib } from '../../devices/index.ts';
import { startRealParts } from '../support/real-parts.ts';

const args = process.argv.slice(2);
const n = Number(args[args.indexOf('--collections') + 1] ?? 20) || 20;
const real = args.includes('--real') ? await startRealParts() : null;

const dataDir = mkdtempSync(join(tmpdir(), 'bench-collection-'));
const hub = await startHub({ port: 0, host: '127.0.0.1', dataDir, mode: 'demo', dc: { url: 'none' }, logger: createLogger('error'),
  printer: { port: 'simulator', baudRate: 19200 }, ...(real?.hubOptions ?? {}) });
const demo = hub.devices.demo!;
// the devices the bench plays: the in-process simulators, or the real parts' device ends
const cardSeen = async (present: boolean) => {
  const until = Date.now() + 15_000;
  while (hub.devices.card!.cardPresent() !== present) {
    if (Date.now() > until) throw new Error(`pcscd did not report the card ${present ? 'in' : 'out'}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
const devices = real ? {
  // as an officer does: the card is put down after the last one has left the reader
  insertCard: async (files: cardLib.CardFiles) => { await real.insertFiles(files); await cardSeen(true); },
  removeCard: async () => { await real.removeCard(); await cardSeen(false); },
  placeFinger: (finger: 'rightIndex' | 'leftIndex') => real.placeFinger('r1', finger, 2),
  stroke: (pts: { x: number; y: number; pressure: number }[]) => real.stroke(pts),
} : {
  insertCard: async (files: cardLib.CardFiles) => demo.cardReader!.insert(cardLib.VirtualCard.personalised(files)),
  removeCard: async () => demo.removeCard(),
  placeFinger: (finger: 'rightIndex' | 'leftIndex') => demo.placeFinger('r1', finger, 2),
  stroke: (pts: { x: number; y: number; pressure: number }[]) => demo.stroke(pts),
};
const verbose = !!process.env.BENCH_VERBOSE;
const api = async (method: string, path: string, token: string, body?: unknown) => {
  if (verbose) console.error(`${method} ${path}`);
  const t0 = performance.now();
  const res = await fetch(hub.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json() as any;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return { ms: performance.now() - t0, body: json };
};
const login = await api('POST', '/api/auth/login', '', hub.demo!.operator);
const op = login.body.token as string;
const kiosk = hub.demo!.kioskToken;

// residents of the bench: r1's fingers, their own NIKs and cards
const r1 = DEMO_PEOPLE[0]!;
const people: DemoPerson[] = Array.from({ length: n + 1 }, (_, i) => ({
  ...r1, id: `b${i}`, fullName: `WARGA UJI ${i}`, nik: `32010145089${String(i + 1).padStart(5, '0')}`,
}));
await seedDemoStock(hub.context.db, hub.context.cipher, hub.context.stock, people, demoCardSerial);
const cards = await Promise.all(people.map((p) => real
  ? cardLib.createTestCardSet({ pki: real.pki, rightIndex: `${p.fingers.rightIndex}_1`, leftIndex: `${p.fingers.leftIndex}_1`,
    biodata: { nik: p.nik, name: p.fullName, sex: p.sex, dateOfBirth: p.dateOfBirth, cardSerial: demoCardSerial(p) } })
  : demo.cardSet(p)));

const parts: Record<string, number[]> = { start: [], cardRead: [], confirm: [], rightIndex: [], leftIndex: [], berhasilAndReceipt: [], total: [] };
const waitStep = async (id: string, step: string) => {
  const until = Date.now() + 30_000;
  for (;;) {
    if (Date.now() > until) throw new Error(`collection ${id}: no step ${step} within 30 s`);
    const v = (await api('GET', `/api/collections/${id}`, kiosk)).body;
    if (v.step === step) return v;
    if (v.notice || v.held) throw new Error(`collection ${id}: ${JSON.stringify(v.notice ?? v.held)}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

for (let i = 0; i < people.length; i++) {
  const p = people[i]!;
  await devices.insertCard(cards[i]!.good);
  const start = await api('POST', '/api/collections', kiosk, { nik: p.nik });
  const id = start.body.id as string;
  await waitStep(id, 'data');
  const events = (await api('GET', `/api/collections/${id}/events`, op)).body.events as { type: string; data: { ms?: number } }[];
  const readMs = events.find((e) => e.type === 'card.read')!.data.ms!;
  const confirm = await api('POST', `/api/collections/${id}/confirm`, kiosk, { correct: true });
  await devices.placeFinger('rightIndex');
  const right = await api('POST', `/api/collections/${id}/fingerprint`, kiosk);
  if (!right.body.lastTry?.match) throw new Error(`right index did not match: ${JSON.stringify(right.body.lastTry)}`);
  await devices.placeFinger('leftIndex');
  const left = await api('POST', `/api/collections/${id}/fingerprint`, kiosk);
  if (left.body.step !== 'signature') throw new Error(`left index: ${JSON.stringify(left.body.lastTry)}`);
  await api('POST', `/api/collections/${id}/old-ktp`, op, { value: 'withdrawn' });
  await api('POST', `/api/collections/${id}/signature/start`, kiosk);
  // the pen's packets cross a serial link: wait until the hub has the whole stroke
  const pad = hub.devices.signaturePad!;
  const strokeIn = new Promise<void>((resolve) => pad.once('strokeEnd', () => resolve()));
  await devices.stroke([{ x: 0.1, y: 0.5, pressure: 0.6 }, { x: 0.4, y: 0.2, pressure: 0.8 }, { x: 0.8, y: 0.6, pressure: 0.7 }]);
  await strokeIn;
  const done = await api('POST', `/api/collections/${id}/signature`, kiosk);
  if (!done.body.receipt?.printed?.ok) throw new Error(`receipt: ${JSON.stringify(done.body.receipt?.printed)}`);
  await api('POST', `/api/collections/${id}/close`, kiosk);
  await devices.removeCard();
  if (process.env.BENCH_VERBOSE) console.error(`collection ${i + 1}/${people.length} done`);
  if (i === 0) continue; // warm-up: JIT, crypto, first SQLite pages
  parts.start!.push(start.ms);
  parts.cardRead!.push(readMs);
  parts.confirm!.push(confirm.ms);
  parts.rightIndex!.push(right.ms);
  parts.leftIndex!.push(left.ms);
  parts.berhasilAndReceipt!.push(done.ms);
  parts.total!.push(start.ms + readMs + confirm.ms + right.ms + left.ms + done.ms);
}

const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!; };
console.log(`collections: ${n} (after 1 warm-up), hub in-process, devices ${real ? 'on socat PTYs (scanner, pad, printer) and pcscd + vpcd (card)' : 'on in-memory links to the simulators'}`);
for (const [k, xs] of Object.entries(parts)) console.log(`  ${k.padEnd(20)} median ${q(xs, 0.5).toFixed(1).padStart(7)} ms   p95 ${q(xs, 0.95).toFixed(1).padStart(7)} ms`);
console.log(`target: total under 2000 ms -> ${q(parts.total!, 0.95) < 2000 ? 'met' : 'NOT met'} (p95 ${q(parts.total!, 0.95).toFixed(0)} ms)`);
await hub.close();
await real?.close();
rmSync(dataDir, { recursive: true, force: true });
