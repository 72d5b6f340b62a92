/**
 * npm run bench:queue — simulated kiosks, operators and displays over HTTP + Socket.IO on loopback
 * against a hub in its own process. Prints tickets a second and latencies:
 *   issue -> display: a kiosk's ticket request sent -> each display shows the new waiting count
 *   call -> display:  an operator's call request sent -> each display receives the call
 * Defaults follow the issue's target: 20 kiosks, 50 displays, 20 tickets a second.
 *
 * The displays live in DISPLAY_WORKERS worker threads (default 2), the kiosks and operators in the
 * main thread. Each display is a PC of its own in an office; with all fifty and the kiosks on one
 * event loop, the last display's figure included decoding the other 49 copies and the kiosks'
 * requests waited behind them. Every time is read from the one monotonic clock
 * (process.hrtime), so a latency is still the kiosk's send to that display's handler running.
 *
 * Latency is read from tickets of the services nobody calls here (A, C, D: 3 of every 4 issued).
 * BENCH_TRACE=dir writes the timelines of the hub (request arrivals, ticket commits, statement
 * times, event-loop stalls with the CPU the process used during each, GC) and of this process.
 * On a shared machine the tail follows the neighbours: the hub's stalls in a slow run are spans
 * of 30-50 ms in which it used under 1 ms of CPU, i.e. it was not scheduled. Running the bench
 * under `nice -n -10` did not reliably shorten them (p99 23-161 ms over five runs at load 2-6).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { io, type Socket } from 'socket.io-client';

/**
 * Services nobody calls in this bench, so their waiting counts only grow and ticket X-k is on a
 * display once it shows a count >= k for X. B tickets are issued too and called at loket-3.
 */
const UNCALLED = ['A', 'C', 'D'];
const MIX = ['D', 'B', 'A', 'C'];

/** ms on the machine's monotonic clock: the same in every thread and process */
const clock = () => Number(process.hrtime.bigint()) / 1e6;
/** ms since the epoch, for lining up with the hub's trace (HUB_TRACE) */
const epoch = () => performance.timeOrigin + performance.now();

interface DisplayJob { url: string; token: string; count: number; trace: boolean }
/** per display: "<service code><waiting count>" -> first time seen; call label -> first time seen (clock ms) */
interface DisplayResult { counts: [string, number][][]; calls: [string, number][][]; stalls: [number, number][]; gc: [number, number][]; eld: { p50: number; p99: number; max: number } }

/** Stalls of this thread's event loop and its GC pauses, in epoch ms, when tracing. */
function traceLoop(on: boolean) {
  const t = { stalls: [] as [number, number][], gc: [] as [number, number][] };
  if (!on) return t;
  let last = epoch();
  setInterval(() => { const n = epoch(); if (n - last > 12) t.stalls.push([last, n - last]); last = n; }, 2).unref();
  new PerformanceObserver((l) => { for (const e of l.getEntries()) t.gc.push([performance.timeOrigin + e.startTime, e.duration]); }).observe({ entryTypes: ['gc'] });
  return t;
}

if (!isMainThread) {
  // a display worker: connect, record, and hand the records back when asked
  const job = workerData as DisplayJob;
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const tr = traceLoop(job.trace);
  const counts: Map<string, number>[] = [];
  const calls: Map<string, number>[] = [];
  const sockets: Socket[] = [];
  await Promise.all(Array.from({ length: job.count }, (_, i) => new Promise<void>((resolve) => {
    const s = io(job.url + '/display', { auth: { token: job.token }, transports: ['websocket'] });
    const c = new Map<string, number>();
    const k = new Map<string, number>();
    counts[i] = c; calls[i] = k;
    s.on('display:state', (st: any) => {
      const t = clock();
      for (const w of st.waiting as { serviceCode: string; count: number }[]) {
        if (UNCALLED.includes(w.serviceCode) && !c.has(w.serviceCode + w.count)) c.set(w.serviceCode + w.count, t);
      }
    });
    s.on('display:call', (x: any) => { const t = clock(); if (!k.has(x.label)) k.set(x.label, t); });
    s.once('display:state', () => resolve());
    sockets.push(s);
  })));
  parentPort!.postMessage('ready');
  parentPort!.once('message', () => {
    for (const s of sockets) s.close();
    const out: DisplayResult = {
      counts: counts.map((m) => [...m]), calls: calls.map((m) => [...m]), stalls: tr.stalls, gc: tr.gc,
      eld: { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 },
    };
    parentPort!.postMessage(out);
  });
} else {
  await main();
}

async function main() {
  const KIOSKS = Number(process.env.KIOSKS ?? 20);
  const DISPLAYS = Number(process.env.DISPLAYS ?? 50);
  const RATE = Number(process.env.RATE ?? 20); // tickets a second, all kiosks together
  const SECONDS = Number(process.env.SECONDS ?? 15);
  const OPERATOR_PAUSE_MS = Number(process.env.OPERATOR_PAUSE_MS ?? 300);
  const WORKERS = Math.max(1, Math.min(DISPLAYS, Number(process.env.DISPLAY_WORKERS ?? 2)));

  const clientEld = monitorEventLoopDelay({ resolution: 5 });
  clientEld.enable();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-queue-'));
  // BENCH_TRACE=dir: every thread and the hub write their timelines there (epoch ms)
  const traceDir = process.env.BENCH_TRACE;
  const clientTrace = traceLoop(!!traceDir);
  const child = spawn(process.execPath, [...(process.env.HUB_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'test/support/hub-process.ts', dataDir],
    { stdio: ['ignore', 'pipe', 'inherit'], env: traceDir ? { ...process.env, HUB_TRACE: join(traceDir, 'hub.json') } : process.env });
  // a failed run must not leave the hub behind
  process.once('exit', () => child.kill('SIGKILL'));
  const info = await new Promise<{ url: string; demo: { kioskToken: string; displayToken: string; operator: { username: string; pin: string } } }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the hub exited (${code}) before it listened`)));
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d; const l = out.split('\n').find((x) => x.startsWith('{')); if (l) resolve(JSON.parse(l)); });
  });

  const post = async (path: string, token: string, body?: unknown) => {
    const r = await fetch(info.url + path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
    return { status: r.status, body: await r.json() as any };
  };

  // Displays, spread over the workers.
  // tsx hooks the main thread only: a worker registers them before loading this file
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const workers = Array.from({ length: WORKERS }, (_, w) => new Worker(boot, {
    eval: true,
    workerData: { url: info.url, token: info.demo.displayToken, count: Math.floor(DISPLAYS / WORKERS) + (w < DISPLAYS % WORKERS ? 1 : 0), trace: !!traceDir } satisfies DisplayJob,
  }));
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => { w.once('message', () => resolve()); w.once('error', reject); })));

  // Operators at the three counters call A, B and C tickets as they come.
  const login = await fetch(info.url + '/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(info.demo.operator) }).then((r) => r.json()) as { token: string };
  const callSent = new Map<string, number>();
  let stop = false;
  const operator = async (counter: string) => {
    while (!stop) {
      const t0 = clock();
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
  // The hub's counters serve: loket-1 A,C,D; loket-2 A,B,C,D; loket-3 B. The displays' latency is
  // read from the A, C and D waiting counts, so operators call only at loket-3 (B).
  const ops = [operator('loket-3')];

  const nik = (i: number) => `320101050890${String(1 + (i % 9999)).padStart(4, '0')}`;

  // Warm-up, not measured: the first tickets, calls and QR codes load modules lazily and warm the
  // JIT; a hub at a service point runs for hours.
  for (let i = 0; i < 20; i++) await post('/api/tickets', info.demo.kioskToken, { serviceCode: 'C', nik: nik(9000 + i), priority: 'none' });
  await new Promise((r) => setTimeout(r, 1000));
  const issueSent: { code: string; n: number; t0: number; e0: number }[] = [];
  const allSent: number[] = [];
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
    const service = MIX[i % MIX.length]!;
    const t0 = clock();
    const e0 = epoch();
    allSent.push(e0);
    // all kiosks share one token and the request rate is the kiosks' total: KIOSKS only labels the run
    pending.push(post('/api/tickets', info.demo.kioskToken, { serviceCode: service, nik: nik(i), priority: 'none' }).then((r) => {
      if (r.status !== 201) { failed++; return; }
      issued++;
      if (UNCALLED.includes(service)) issueSent.push({ code: service, n: Number(r.body.ticket.label.slice(2)), t0, e0 });
    }));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - startAt) / 1000;
  await new Promise((r) => setTimeout(r, 1000));
  stop = true;
  await Promise.all(ops);

  const results = await Promise.all(workers.map((w) => new Promise<DisplayResult>((resolve) => { w.once('message', resolve); w.postMessage('stop'); })));
  await Promise.all(workers.map((w) => w.terminate()));
  const countSeen = results.flatMap((r) => r.counts);
  const callSeen = results.flatMap((r) => r.calls.map((c) => new Map(c)));

  /** the first time display m showed ticket code-k: once it has seen a count >= k for that service */
  const firstSeen = (m: [string, number][], code: string, k: number) => {
    let seen = Infinity;
    for (const [key, t] of m) if (key[0] === code && Number(key.slice(1)) >= k && t < seen) seen = t;
    return seen;
  };
  const issueLat: number[] = [];
  for (const { code, n, t0 } of issueSent) {
    for (const m of countSeen) { const seen = firstSeen(m, code, n); if (seen !== Infinity) issueLat.push(seen - t0); }
  }
  const callLat: number[] = [];
  for (const [label, t0] of callSent) for (const m of callSeen) { const t = m.get(label); if (t !== undefined) callLat.push(t - t0); }
  const pct = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(1) : 'n/a'; };

  console.log(JSON.stringify({
    kiosks: KIOSKS, displays: DISPLAYS, displayWorkers: WORKERS, targetRate: RATE, seconds: SECONDS, operatorPauseMs: OPERATOR_PAUSE_MS,
    ticketsIssued: issued, failed, ticketsPerSecond: Number((issued / elapsed).toFixed(1)),
    issueToDisplayMs: { samples: issueLat.length, p50: pct(issueLat, 0.5), p99: pct(issueLat, 0.99), max: pct(issueLat, 1) },
    callToDisplayMs: { samples: callLat.length, p50: pct(callLat, 0.5), p99: pct(callLat, 0.99), max: pct(callLat, 1) },
    benchClientEventLoopDelayMs: { p50: clientEld.percentile(50) / 1e6, p99: clientEld.percentile(99) / 1e6, max: clientEld.max / 1e6 },
    displayWorkerEventLoopDelayMs: results.map((r) => r.eld),
  }, null, 2));

  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  if (traceDir) {
    // clock -> epoch for this run: the two clocks' offset, read now
    const off = epoch() - clock();
    writeFileSync(join(traceDir, 'client.json'), JSON.stringify({
      stalls: [...clientTrace.stalls, ...results.flatMap((r) => r.stalls)], gc: [...clientTrace.gc, ...results.flatMap((r) => r.gc)], sent: allSent,
      tickets: issueSent.map(({ code, n, e0 }) => ({ label: `${code}-${String(n).padStart(3, '0')}`, t0: e0,
        seen: countSeen.map((m) => firstSeen(m, code, n) + off) })),
    }));
  }
  rmSync(dataDir, { recursive: true, force: true });
}
