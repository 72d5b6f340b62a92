/**
 * The reference data center (issue 5): a separate Hono app with its own SQLite, served over HTTPS,
 * implementing docs/DC-PROTOCOL.md. Run in-process by `npm start` (dc.url = embedded) and by tests,
 * or on its own port by `npm run dc` (main.ts).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { getRequestListener } from '@hono/node-server';
import type { Template } from '../../matcher/index.ts';
import { decodeIso19794 } from '../../matcher/index.ts';
import { createLogger, type Logger } from '../log.ts';
import { createReferenceDcApp } from './app.ts';
import { FaultController } from './faults.ts';
import { Gallery, type Candidate } from './gallery.ts';
import { loadOrCreateDcKeys } from './keys.ts';
import { DEFAULT_TEST_RESIDENTS, maskedNik, type TestResident } from './residents.ts';
import { openDcStore } from './store.ts';
import type { Queryable } from '../store/db.ts';
import { loadOrCreateTlsCert } from './tls.ts';

export { DEFAULT_TEST_RESIDENTS, type TestResident } from './residents.ts';
export { FaultController, FaultsInputSchema, type FaultsInput, type DownMode } from './faults.ts';
export { createReferenceDcApp, type DcAppDeps } from './app.ts';
export { Gallery, type Candidate, type GalleryOptions } from './gallery.ts';
export { TestHubClient, DcCallError, enrolmentRecord, readDatasetIso, type DcRecord, type DcAnswer, type DcNotification } from './test-hub.ts';

export interface ReferenceDcOptions {
  dataDir: string;
  /** 0 = ephemeral */
  port?: number;
  host?: string;
  bootstrapToken: string;
  adminToken: string;
  /** how long until the uniqueness answer (the SOP allows 24 h); default 5 s */
  resultDelayMs?: number;
  /** seed the gallery with test residents on first start (default: DEFAULT_TEST_RESIDENTS) */
  seedGallery?: boolean | { residents: TestResident[] };
  logger?: Logger;
  /** decision threshold on compare() scores (default: the matcher's FMR 0.01 % threshold for each pair) */
  matchThreshold?: number;
  /** matcher worker threads per finger position (default 1) */
  matcherThreads?: number;
  /** after a `single` result, announce `card_ready` this much later; undefined: never */
  cardReadyAfterMs?: number;
}

export interface DcStats {
  records: { total: number; byKind: Record<string, number> };
  duplicateDeliveries: number;
  effects: { uniquenessJobs: number; galleryIdentities: number };
}

export interface ReferenceDc {
  url: string;
  port: number;
  caCertPem: string;
  faults: FaultController;
  stats(): Promise<DcStats>;
  close(): Promise<void>;
}

/** `KTP_DATASETS`, or `<repo>/../shared/datasets` */
export function datasetsDir(): string {
  return process.env.KTP_DATASETS ?? join(new URL('../../..', import.meta.url).pathname, 'shared', 'datasets');
}

export async function startReferenceDc(opts: ReferenceDcOptions): Promise<ReferenceDc> {
  const log = opts.logger ?? createLogger('warn', { svc: 'reference-dc' });
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const db = await openDcStore(join(opts.dataDir, 'dc.sqlite'));
  const keys = await loadOrCreateDcKeys(join(opts.dataDir, 'keys'));
  const tls = await loadOrCreateTlsCert(join(opts.dataDir, 'tls'));
  const faults = new FaultController();
  const resultDelayMs = opts.resultDelayMs ?? 5000;
  const gallery = new Gallery({ threshold: opts.matchThreshold, threadsPerPosition: opts.matcherThreads });

  // ---- gallery: load, and seed on first start ----
  const rows = await db.all<{ identity_id: string; nik_masked: string }>('SELECT identity_id, nik_masked FROM gallery');
  const stored = await db.all<{ identity_id: string; position: number; iso: Buffer }>('SELECT identity_id, position, iso FROM gallery_templates');
  const fingersOf = new Map<string, { position: number; iso: Uint8Array }[]>();
  for (const t of stored) fingersOf.set(t.identity_id, [...(fingersOf.get(t.identity_id) ?? []), { position: t.position, iso: new Uint8Array(t.iso) }]);
  const loadProblems = await gallery.add(rows.map((r) => ({ identityId: r.identity_id, nikMasked: r.nik_masked, fingers: fingersOf.get(r.identity_id) ?? [] })));
  if (loadProblems.length) log.warn('gallery templates refused', { problems: loadProblems });
  const seed = typeof opts.seedGallery === 'object' ? opts.seedGallery.residents : DEFAULT_TEST_RESIDENTS;
  const seedFile = (db: string, stem: string): string => join(datasetsDir(), 'fvc2002', db, `${stem}.iso`);
  const unseeded = rows.length === 0 && opts.seedGallery !== false;
  const missing = unseeded ? seed.flatMap((p) => [seedFile(...p.rightIndex), seedFile(...p.leftIndex)]).filter((f) => !existsSync(f)) : [];
  if (missing.length) {
    // the DC still serves; it seeds on a later start once the records are there
    log.warn('gallery not seeded: the seed records are missing (set KTP_DATASETS to the datasets folder)', { missing: missing.length, first: missing[0] });
  } else if (unseeded) {
    const people = seed.map((p) => ({
      identityId: p.identityId, nikMasked: maskedNik(p.nik),
      fingers: [
        { position: 2, iso: readFileSync(seedFile(...p.rightIndex)) },
        { position: 7, iso: readFileSync(seedFile(...p.leftIndex)) },
      ],
    }));
    await db.transaction(async (q) => {
      const at = new Date().toISOString();
      for (const p of people) {
        await q.run('INSERT INTO gallery (identity_id, nik_masked, source, created_at) VALUES (?, ?, ?, ?)', [p.identityId, p.nikMasked, 'seed', at]);
        for (const f of p.fingers) await q.run('INSERT INTO gallery_templates (identity_id, position, iso) VALUES (?, ?, ?)', [p.identityId, f.position, f.iso]);
      }
    });
    const problems = await gallery.add(people);
    if (problems.length) log.warn('seed templates refused', { problems });
  }

  // ---- jobs: run when due, persisted, resumed after a restart ----
  // Pending answers are due resultDelayMs after their record arrived under the delay in force now,
  // so restarting with a shorter DC_RESULT_DELAY_MS brings them forward.
  const pending = await db.all<{ id: number; due_at: string; received_at: string }>(
    'SELECT j.id, j.due_at, r.received_at FROM jobs j JOIN records r ON r.record_id = j.record_id WHERE j.done_at IS NULL');
  const moved = pending.map((j) => ({ id: j.id, due: new Date(Date.parse(j.received_at) + resultDelayMs).toISOString() })).filter((j, i) => j.due < pending[i]!.due_at);
  if (moved.length) await db.transaction(async (q) => { for (const j of moved) await q.run('UPDATE jobs SET due_at = ? WHERE id = ?', [j.due, j.id]); });
  if (pending.length) log.info('resuming uniqueness jobs', { pending: pending.length, broughtForward: moved.length });
  let running = true;
  let wake: (() => void) | null = null;
  const tick = Math.max(10, Math.min(200, resultDelayMs, opts.cardReadyAfterMs ?? Infinity));

  /** publishes one event (twice under "answer twice") inside the caller's transaction */
  async function publish(q: Queryable, hubId: string, type: string, caseRef: string, at: string, body: unknown): Promise<void> {
    const id = randomUUID();
    for (let i = 0; i < (faults.answerTwice ? 2 : 1); i++) {
      await q.run('INSERT INTO notifications (id, hub_id, type, case_ref, at, body_json) VALUES (?, ?, ?, ?, ?, ?)', [id, hubId, type, caseRef, at, JSON.stringify(body)]);
    }
  }

  async function runUniquenessJob(job: { id: number; record_id: string; hub_id: string; case_ref: string; body_json: string }): Promise<void> {
    const body = JSON.parse(job.body_json) as { nik: string; fingerprints: { position: number; data: string }[] };
    const probe = new Map<number, Template>();
    const probeIso: { position: number; iso: Buffer }[] = [];
    for (const f of body.fingerprints) {
      const iso = Buffer.from(f.data, 'base64');
      const t = decodeIso19794(iso);
      if (t.ok) { probe.set(f.position, t.template); probeIso.push({ position: f.position, iso }); }
      else log.warn('enrolment template refused by the matcher', { recordId: job.record_id, position: f.position, error: t.error });
    }
    let result: { result: 'single' } | { result: 'duplicate'; candidates: Candidate[] };
    if (faults.forcedDuplicates.has(job.case_ref)) {
      const wanted = faults.forcedDuplicates.get(job.case_ref);
      const candidate: Candidate = wanted
        ? { identityId: wanted, nikMasked: gallery.nikMaskedOf(wanted) ?? '****************', score: 0 }
        : (await gallery.best(probe)) ?? { identityId: 'ID-FORCED', nikMasked: '****************', score: 0 };
      result = { result: 'duplicate', candidates: [candidate] };
    } else {
      const candidates = probe.size ? await gallery.search(probe) : [];
      result = candidates.length ? { result: 'duplicate', candidates } : { result: 'single' };
    }
    const identityId = `ID-${job.record_id.slice(0, 8)}`;
    const joins = result.result === 'single' && probeIso.length > 0;
    const at = new Date().toISOString();
    // the result, its announcement and the gallery entry in one transaction: a crash redoes the job whole
    const done = await db.transaction(async (q) => {
      const u = await q.run('UPDATE jobs SET done_at = ?, result_json = ? WHERE id = ? AND done_at IS NULL', [at, JSON.stringify(result), job.id]);
      if (u.changes === 0) return false;
      await publish(q, job.hub_id, 'uniqueness_result', job.case_ref, at, result);
      if (joins) {
        await q.run('INSERT OR IGNORE INTO gallery (identity_id, nik_masked, source, case_ref, created_at) VALUES (?, ?, ?, ?, ?)',
          [identityId, maskedNik(body.nik), 'record', job.case_ref, at]);
        for (const f of probeIso) await q.run('INSERT OR IGNORE INTO gallery_templates (identity_id, position, iso) VALUES (?, ?, ?)', [identityId, f.position, f.iso]);
      }
      if (result.result === 'single' && opts.cardReadyAfterMs !== undefined) {
        await q.run('INSERT OR IGNORE INTO card_jobs (record_id, due_at, card_serial) VALUES (?, ?, ?)',
          [job.record_id, new Date(Date.now() + opts.cardReadyAfterMs).toISOString(), randomBytes(8).toString('hex').toUpperCase()]);
      }
      return true;
    });
    if (done) faults.forcedDuplicates.delete(job.case_ref);
    if (done && joins) await gallery.add([{ identityId, nikMasked: maskedNik(body.nik), fingers: probeIso }]);
  }

  async function runDueJobs(): Promise<void> {
    const now = new Date().toISOString();
    const due = await db.all<{ id: number; record_id: string; hub_id: string; case_ref: string; body_json: string }>(
      `SELECT j.id, j.record_id, r.hub_id, r.case_ref, r.body_json FROM jobs j JOIN records r ON r.record_id = j.record_id
       WHERE j.done_at IS NULL AND j.due_at <= ? ORDER BY j.id LIMIT 50`, [now]);
    for (const job of due) {
      if (!running) return;
      try {
        await runUniquenessJob(job);
      } catch (e) {
        // one job that keeps failing must not hold up the others: it is tried again later
        log.error('uniqueness job failed; retrying in 5 s', { recordId: job.record_id, error: e });
        await db.run('UPDATE jobs SET due_at = ? WHERE id = ? AND done_at IS NULL', [new Date(Date.now() + 5000).toISOString(), job.id]);
      }
    }
    const cards = await db.all<{ record_id: string; hub_id: string; case_ref: string; card_serial: string }>(
      `SELECT c.record_id, r.hub_id, r.case_ref, c.card_serial FROM card_jobs c JOIN records r ON r.record_id = c.record_id
       WHERE c.done_at IS NULL AND c.due_at <= ? ORDER BY c.due_at LIMIT 50`, [now]);
    for (const card of cards) {
      await db.transaction(async (q) => {
        const at = new Date().toISOString();
        const u = await q.run('UPDATE card_jobs SET done_at = ? WHERE record_id = ? AND done_at IS NULL', [at, card.record_id]);
        if (u.changes) await publish(q, card.hub_id, 'card_ready', card.case_ref, at, { cardSerial: card.card_serial });
      });
    }
  }
  const jobLoop = (async () => {
    while (running) {
      try { await runDueJobs(); } catch (e) { log.error('DC job failed', { error: e }); }
      if (!running) break;
      await new Promise<void>((r) => { const t = setTimeout(r, tick); wake = () => { clearTimeout(t); r(); }; });
      wake = null;
    }
  })();

  const stats = async (): Promise<DcStats> => {
    const byKind = await db.all<{ kind: string; n: number }>('SELECT kind, COUNT(*) AS n FROM records GROUP BY kind');
    const dup = await db.get<{ value: number }>(`SELECT value FROM counters WHERE name = 'duplicate_deliveries'`);
    const jobs = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM jobs');
    return {
      records: { total: byKind.reduce((s, r) => s + r.n, 0), byKind: Object.fromEntries(byKind.map((r) => [r.kind, r.n])) },
      duplicateDeliveries: dup?.value ?? 0,
      effects: { uniquenessJobs: jobs?.n ?? 0, galleryIdentities: gallery.size },
    };
  };

  const app = createReferenceDcApp({
    db, log, faults, keys, bootstrapToken: opts.bootstrapToken, adminToken: opts.adminToken, resultDelayMs,
    onStored: () => { if (resultDelayMs <= tick) wake?.(); }, stats,
  });
  const requestListener = getRequestListener(app.fetch);
  const inflight = new Map<ServerResponse, Promise<unknown>>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    // "down": every hub connection is cut without an answer; the admin API stays reachable
    if (faults.down && !req.url?.startsWith('/v1/admin')) { req.socket.destroy(); return; }
    const done = Promise.resolve(requestListener(req, res)).catch((e: unknown) => log.error('request failed', { error: e }));
    inflight.set(res, done);
    void done.finally(() => inflight.delete(res));
  };

  // ---- the listener: closed during a 'refuse' outage and reopened on the same port ----
  const host = opts.host ?? '127.0.0.1';
  let port = opts.port ?? 0;
  let current: Server | null = null;
  const servers = new Set<Server>();
  let closed = false;
  let downTimer: NodeJS.Timeout | null = null;

  async function listen(): Promise<void> {
    const s = createServer({ key: tls.keyPem, cert: tls.certPem }, handle);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, host, () => { s.off('error', reject); resolve(); });
    });
    servers.add(s);
    s.on('close', () => servers.delete(s));
    current = s;
    port = (s.address() as AddressInfo).port;
  }
  async function applyDown(): Promise<void> {
    if (closed) return;
    const refuse = faults.down && faults.downMode === 'refuse';
    if (refuse && current) {
      // new connections are refused; idle keep-alive ones are closed, busy ones end after their answer
      current.close();
      current.closeIdleConnections();
      current = null;
      // connections busy now (this admin request, a slow post) must not stay open after their answer
      for (const res of inflight.keys()) {
        if (!res.headersSent) res.setHeader('connection', 'close');
        else res.once('finish', () => res.socket?.end());
      }
      log.info('reference DC down: listener closed', { port });
    } else if (!refuse && !current) {
      await listen();
      log.info('reference DC up again', { port });
    }
    if (downTimer) clearTimeout(downTimer);
    downTimer = faults.down && faults.downUntil !== Number.MAX_SAFE_INTEGER
      ? setTimeout(() => { void faults.onChange?.().catch((e: unknown) => log.error('reopening the listener failed', { error: e })); }, Math.max(0, faults.downUntil - Date.now()) + 1)
      : null;
  }
  let applying: Promise<void> = Promise.resolve();
  faults.onChange = () => (applying = applying.then(applyDown, applyDown));

  await listen();
  const url = `https://127.0.0.1:${port}`;
  log.info('reference DC listening', { url });

  return {
    url, port, caCertPem: tls.certPem, faults, stats,
    async close() {
      if (closed) return;
      closed = true;
      running = false;
      if (downTimer) clearTimeout(downTimer);
      (wake as (() => void) | null)?.();
      await jobLoop;
      await applying.catch(() => undefined);
      await Promise.all([...servers].map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); })));
      // handlers of cut connections see their request aborted and finish before the store closes
      await Promise.all(inflight.values());
      await gallery.close();
      await db.close();
    },
  };
}
