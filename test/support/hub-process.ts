/**
 * A hub in a child process (for benchmarks and crash tests): prints one JSON line with its URL
 * and demo credentials once it listens. Usage: tsx test/support/hub-process.ts DATA_DIR [printer]
 * HUB_TRACE=file: writes the hub's timeline there on exit (ticket commits, event-loop stalls, GC
 * pauses, all in epoch ms) so a benchmark can line its slow samples up with what the hub did.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { startHub } from '../../hub/index.ts';
import { createLogger } from '../../hub/log.ts';

const [dataDir, printerPort = 'none'] = process.argv.slice(2);
const traceArrivals: number[] = [];
if (process.env.HUB_TRACE) {
  // when each kiosk request reached the hub, to split a latency into the client's part and ours
  const http = await import('node:http');
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: unknown, ev: string, ...a: unknown[]) {
    if (ev === 'request') { const r = a[0] as { method?: string; url?: string }; if (r.method === 'POST' && r.url === '/api/tickets') traceArrivals.push(performance.timeOrigin + performance.now()); }
    return (emit as (...x: unknown[]) => boolean).apply(this, [ev, ...a]);
  } as typeof emit;
}
const hub = await startHub({ dataDir: dataDir!, port: 0, host: '127.0.0.1', logger: createLogger('error'), printer: { port: printerPort, baudRate: 19200 } });

const traceFile = process.env.HUB_TRACE;
const trace: { changed: number[]; issues: [string, number, number][]; stalls: [number, number, number][]; gc: [number, number, number][] } = { changed: [], issues: [], stalls: [], gc: [] };
if (traceFile) {
  const now = () => performance.timeOrigin + performance.now();
  const q = hub.context.queue;
  const emit = q.emit.bind(q) as (ev: string, ...a: unknown[]) => boolean;
  (q as unknown as { emit: typeof emit }).emit = (ev, ...a) => { if (ev === 'changed') trace.changed.push(now()); return emit(ev, ...a); };
  const issue = q.issue.bind(q);
  q.issue = async (...a) => { const t = now(); const r = await issue(...a); trace.issues.push([r.ticket.label, t, now()]); return r; };
  const db = hub.context.db as unknown as { rawExec(sql: string): Promise<void>; rawRun(...a: unknown[]): Promise<unknown>; rawGet(...a: unknown[]): Promise<unknown>; rawAll(...a: unknown[]): Promise<unknown> };
  (trace as unknown as { sql: [string, number, number][] }).sql = [];
  for (const m of ['rawExec', 'rawRun', 'rawGet', 'rawAll'] as const) {
    const f = (db[m] as (...a: unknown[]) => Promise<unknown>).bind(db);
    (db as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => { const t = now(); try { return await f(...a); } finally { (trace as unknown as { sql: [string, number, number][] }).sql.push([String(a[0]).slice(0, 40), t, now() - t]); } };
  }
  // a stall with the process's CPU time over it: near the gap = our own work, near 0 = not scheduled
  let last = now();
  let lastCpu = process.cpuUsage();
  setInterval(() => {
    const t = now();
    const cpu = process.cpuUsage();
    if (t - last > 12) trace.stalls.push([last, t - last, (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000]);
    last = t; lastCpu = cpu;
  }, 2).unref();
  new PerformanceObserver((l) => {
    for (const e of l.getEntries()) trace.gc.push([performance.timeOrigin + e.startTime, e.duration, (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0]);
  }).observe({ entryTypes: ['gc'] });
}

console.log(JSON.stringify({ url: hub.url, demo: hub.demo }));
const eld = monitorEventLoopDelay({ resolution: 5 });
eld.enable();
process.on('SIGTERM', () => {
  // the hub's own event-loop delay while it ran: how much of a latency is the server's doing
  console.error(JSON.stringify({ hubEventLoopDelayMs: { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 } }));
  if (traceFile) writeFileSync(traceFile, JSON.stringify({ ...trace, arrivals: traceArrivals }));
  void hub.close().then(() => process.exit(0));
});
