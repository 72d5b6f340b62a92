/**
 * npm run bench:queue — simulated kiosks, operators and displays over HTTP + Socket.IO on loopback
 * against a hub in its own process. Prints tickets a second and latencies:
 *   issue -> display: a kiosk's ticket request sent -> each display shows the new waiting count
 *   call -> display:  an operator's call request sent -> each display receives the call
 * Defaults follow the issue's target: 20 kiosks, 50 displays, 20 tickets a second.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';

const KIOSKS = Number(process.env.KIOSKS ?? 20);
const DISPLAYS = Number(process.env.DISPLAYS ?? 50);
const RATE = Number(process.env.RATE ?? 20); // tickets a second, all kiosks together
const SECONDS = Number(process.env.SECONDS ?? 15);
const OPERATOR_PAUSE_MS = Number(process.env.OPERATOR_PAUSE_MS ?? 300);

import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
const clientEld = monitorEventLoopDelay({ resolution: 5 });
clientEld.enable();
const dataDir = mkdtempSync(join(tmpdir(), 'bench-queue-'));
// BENCH_TRACE=dir: both processes write their timelines there (epoch ms) for lining slow samples up
const traceDir = process.env.BENCH_TRACE;
const epoch = () => performance.timeOrigin + performance.now();
const clientTrace: { stalls: [number, number][]; gc: [number, number][] } = { stalls: [], gc: [] };
if (traceDir) {
  let last = epoch();
  setInterval(() => { const t = epoch(); if (t - last > 12) clientTrace.stalls.push([last, t - last]); last = t; }, 2).unref();
  new PerformanceObserver((l) => { for (const e of l.getEntries()) clientTrace.gc.push([performance.timeOrigin + e.startTime, e.duration]); }).observe({ entryTypes: ['gc'] });
}
const child = spawn(process.execPath, [...(process.env.HUB_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'test/support/hub-process.ts', dataDir], { stdio: ['ignore', 'pipe', 'inherit'], env: traceDir ? { ...process.env, HUB_TRACE: join(traceDir, 'hub.json') } : process.env });
const info = await new Promise<{ url: string; demo: { kioskToken: string; displayToken: string; operator: { username: string; pin: string } } }>((resolve) => {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d; const l = out.split('\n').find((x) => x.startsWith('{')); if (l) resolve(JSON.parse(l)); });
});

const post = async (path: string, token: string, body?: unknown) => {
  const r = await fetch(info.url + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  return { status: r.status, body: await r.json() as any };
};

// Displays: record when each sees each D count and each call label.
const dCountSeen: Map<number, number[]>[] = [];
const callSeen: Map<string, number>[] = [];
const displays: Socket[] = [];
await Promise.all(Array.from({ length: DISPLAYS }, (_, i) => new Promise<void>((resolve) => {
  const s = io(info.url + '/display', { auth: { token: info.demo.displayToken }, transports: ['websocket'] });
  const counts = new Map<number, number[]>();
  const calls = new Map<string, number>();
  dCountSeen[i] = counts; callSeen[i] = calls;
  s.on('display:state', (st: any) => {
    const n = st.waiting.find((w: any) => w.serviceCode === 'D').count as number;
    if (!counts.has(n)) counts.set(n, [performance.now()]);
  });
  s.on('display:call', (c: any) => { if (!calls.has(c.label)) calls.set(c.label, performance.now()); });
  s.once('display:state', () => resolve());
  displays.push(s);
})));

// Operators at the three counters call A, B and C tickets as they come.
const login = await fetch(info.url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(info.demo.operator) }).then((r) => r.json()) as { token: string };
const callSent = new Map<string, number>();
let stop = false;
const operator = async (counter: string) => {
  while (!stop) {
    const t0 = performance.now();
    const r = await post(`/api/counters/${counter}/call-next`, login.token);
    if (r.status === 200) {
      callSent.set(r.body.ticket.label, t0);
      await post(`/api/tickets/${r.body.ticket.id}/start`, login.token);
      await post(`/api/tickets/${r.body.ticket.id}/finish`, login.token, { outcome: 'completed' });
    }
    // a brisk operator: a call every OPERATOR_PAUSE_MS (real ones call every few minutes)
    await new Promise((res) => setTimeout(res, OPERATOR_PAUSE_MS));
  }
};
// The hub's counters serve: loket-1 A,C,D; loket-2 A,B,C,D; loket-3 B. To keep D tickets on the
// display, operators call only at loket-3 (B) and the bench's A/C tickets are called by supervisor-free
// loket-1/2 only when no D waits... simpler: call only at loket-3, and issue B and D tickets.
const ops = [operator('loket-3')];

const nik = (i: number) => `320101050890${String(1 + (i % 9999)).padStart(4, '0')}`;

// Warm-up, not measured: the first tickets, calls and QR codes load modules lazily and warm the
// JIT; a hub at a service point runs for hours.
for (let i = 0; i < 20; i++) await post('/api/tickets', info.demo.kioskToken, { serviceCode: 'C', nik: nik(9000 + i), priority: 'none' });
await new Promise((r) => setTimeout(r, 1000));
const issueSent: { dIndex: number; t0: number }[] = [];
let dCount = 0;
let issued = 0;
let failed = 0;
const interval = 1000 / RATE;
const startAt = performance.now();
const total = RATE * SECONDS;
const pending: Promise<void>[] = [];
for (let i = 0; i < total; i++) {
  const due = startAt + i * interval;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const service = i % 2 === 0 ? 'D' : 'B';
  const t0 = performance.now();
  const kiosk = i % KIOSKS; // all kiosks share one token; the index only spreads requests
  void kiosk;
  pending.push(post('/api/tickets', info.demo.kioskToken, { serviceCode: service, nik: nik(i), priority: 'none' }).then((r) => {
    if (r.status !== 201) { failed++; return; }
    issued++;
    if (service === 'D') issueSent.push({ dIndex: Number(r.body.ticket.label.slice(2)), t0 });
  }));
  if (service === 'D') dCount++;
}
await Promise.all(pending);
const elapsed = (performance.now() - startAt) / 1000;
await new Promise((r) => setTimeout(r, 1000));
stop = true;
await Promise.all(ops);

const issueLat: number[] = [];
for (const { dIndex, t0 } of issueSent) {
  for (const m of dCountSeen) {
    // the display shows ticket D-k once it has seen a D count >= k (no D is called in this bench)
    let seen = Infinity;
    for (const [n, [t]] of m) if (n >= dIndex && t! < seen) seen = t!;
    if (seen !== Infinity) issueLat.push(seen - t0);
  }
}
const callLat: number[] = [];
for (const [label, t0] of callSent) for (const m of callSeen) { const t = m.get(label); if (t !== undefined) callLat.push(t - t0); }
const pct = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1) : 'n/a'; };

console.log(JSON.stringify({
  kiosks: KIOSKS, displays: DISPLAYS, targetRate: RATE, seconds: SECONDS, operatorPauseMs: OPERATOR_PAUSE_MS,
  ticketsIssued: issued, failed, ticketsPerSecond: Number((issued / elapsed).toFixed(1)),
  issueToDisplayMs: { samples: issueLat.length, p50: pct(issueLat, 0.5), p99: pct(issueLat, 0.99), max: pct(issueLat, 1) },
  callToDisplayMs: { samples: callLat.length, p50: pct(callLat, 0.5), p99: pct(callLat, 0.99), max: pct(callLat, 1) },
  benchClientEventLoopDelayMs: { p50: clientEld.percentile(50) / 1e6, p99: clientEld.percentile(99) / 1e6, max: clientEld.max / 1e6 },
}, null, 2));

for (const s of displays) s.close();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
if (traceDir) {
  const toEpoch = (t: number) => performance.timeOrigin + t;
  writeFileSync(join(traceDir, 'client.json'), JSON.stringify({
    ...clientTrace,
    tickets: issueSent.map(({ dIndex, t0 }) => ({ label: `D-${String(dIndex).padStart(3, '0')}`, t0: toEpoch(t0),
      seen: dCountSeen.map((m) => { let seen = Infinity; for (const [n, [t]] of m) if (n >= dIndex && t! < seen) seen = t!; return toEpoch(seen); }) })),
  }));
}
rmSync(dataDir, { recursive: true, force: true });
