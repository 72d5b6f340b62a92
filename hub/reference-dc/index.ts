/**
 * The reference data center (issue 5): a separate Hono app with its own SQLite, served over HTTPS,
 * implementing docs/DC-PROTOCOL.md. Run in-process by `npm start` (dc.url = embedded) and by tests,
 * or on its own port by `npm run dc` (main.ts).
 */
import { createServer, type Server } from 'node:https';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
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
import { loadOrCreateTlsCert } from './tls.ts';

export { DEFAULT_TEST_RESIDENTS, type TestResident } from './residents.ts';
export { FaultController, type FaultsInput } from './faults.ts';
export { createReferenceDcApp } from './app.ts';

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

function datasetsDir(): string {
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
  const gallery = new Gallery();

  // ---- gallery: load, and seed on first start ----
  const rows = await db.all<{ identity_id: string; nik_masked: string }>('SELECT identity_id, nik_masked FROM gallery');
  for (const r of rows) {
    const t = await db.all<{ position: number; iso: Buffer }>('SELECT position, iso FROM gallery_templates WHERE identity_id = ?', [r.identity_id]);
    gallery.add(r.identity_id, r.nik_masked, t.map((x) => ({ position: x.position, iso: new Uint8Array(x.iso) })));
  }
  if (rows.length === 0 && opts.seedGallery !== false) {
    const seed = typeof opts.seedGallery === 'object' ? opts.seedGallery.residents : DEFAULT_TEST_RESIDENTS;
    await db.transaction(async (q) => {
      for (const p of seed) {
        const fingers = [
          { position: 2, iso: readFileSync(join(datasetsDir(), 'fvc2002', p.rightIndex[0], `${p.rightIndex[1]}.iso`)) },
          { position: 7, iso: readFileSync(join(datasetsDir(), 'fvc2002', p.leftIndex[0], `${p.leftIndex[1]}.iso`)) },
        ];
        await q.run('INSERT INTO gallery (identity_id, nik_masked, source, created_at) VALUES (?, ?, ?, ?)', [p.identityId, maskedNik(p.nik), 'seed', new Date().toISOString()]);
        for (const f of fingers) await q.run('INSERT INTO gallery_templates (identity_id, position, iso) VALUES (?, ?, ?)', [p.identityId, f.position, f.iso]);
        const problems = gallery.add(p.identityId, maskedNik(p.nik), fingers.map((f) => ({ position: f.position, iso: new Uint8Array(f.iso) })));
        if (problems.length) log.warn('seed templates refused', { identity: p.identityId, problems });
      }
    });
  }

  // ---- uniqueness jobs: run when due, persisted, resumed after a restart ----
  let running = true;
  let wake: (() => void) | null = null;
  const tick = Math.max(10, Math.min(200, resultDelayMs));
  async function runDueJobs(): Promise<void> {
    const due = await db.all<{ id: number; record_id: string; hub_id: string; case_ref: string; body_json: string }>(
      `SELECT j.id, j.record_id, r.hub_id, r.case_ref, r.body_json FROM jobs j JOIN records r ON r.record_id = j.record_id
       WHERE j.done_at IS NULL AND j.due_at <= ? ORDER BY j.id LIMIT 50`, [new Date().toISOString()]);
    for (const job of due) {
      const body = JSON.parse(job.body_json) as { nik: string; fingerprints: { position: number; data: string }[] };
      const probe = new Map<number, Template>();
      const probeIso: { position: number; iso: Buffer }[] = [];
      for (const f of body.fingerprints) {
        const iso = Buffer.from(f.data, 'base64');
        const t = decodeIso19794(iso);
        if (t.ok) { probe.set(f.position, t.template); probeIso.push({ position: f.position, iso }); }
      }
      let result: { result: 'single' } | { result: 'duplicate'; candidates: Candidate[] };
      const forced = faults.forcedDuplicates.has(job.case_ref);
      if (forced) {
        const wanted = faults.forcedDuplicates.get(job.case_ref);
        faults.forcedDuplicates.delete(job.case_ref);
        const best = gallery.best(probe);
        const candidate = wanted ? { identityId: wanted, nikMasked: '****************', score: 0 } : best;
        result = candidate ? { result: 'duplicate', candidates: [candidate] } : { result: 'single' };
      } else {
        const candidates = probe.size ? gallery.search(probe) : [];
        result = candidates.length ? { result: 'duplicate', candidates } : { result: 'single' };
      }
      const identityId = `ID-${job.record_id.slice(0, 8)}`;
      const notificationId = randomUUID();
      const at = new Date().toISOString();
      await db.transaction(async (q) => {
        await q.run('UPDATE jobs SET done_at = ?, result_json = ? WHERE id = ? AND done_at IS NULL', [at, JSON.stringify(result), job.id]);
        const copies = faults.answerTwice ? 2 : 1;
        for (let i = 0; i < copies; i++) {
          await q.run('INSERT INTO notifications (id, hub_id, type, case_ref, at, body_json) VALUES (?, ?, ?, ?, ?, ?)',
            [notificationId, job.hub_id, 'uniqueness_result', job.case_ref, at, JSON.stringify(result)]);
        }
        if (result.result === 'single' && probeIso.length) {
          await q.run('INSERT OR IGNORE INTO gallery (identity_id, nik_masked, source, case_ref, created_at) VALUES (?, ?, ?, ?, ?)',
            [identityId, maskedNik(body.nik), 'record', job.case_ref, at]);
          for (const f of probeIso) await q.run('INSERT OR IGNORE INTO gallery_templates (identity_id, position, iso) VALUES (?, ?, ?)', [identityId, f.position, f.iso]);
        }
      });
      if (result.result === 'single' && probeIso.length && !gallery.has(identityId)) {
        gallery.add(identityId, maskedNik(body.nik), probeIso.map((f) => ({ position: f.position, iso: new Uint8Array(f.iso) })));
      }
    }
  }
  const jobLoop = (async () => {
    while (running) {
      try { await runDueJobs(); } catch (e) { log.error('uniqueness job failed', { error: e }); }
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
  const listener = getRequestListener(app.fetch);
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    // "down": every hub connection is cut without an answer; the admin API stays reachable
    if (faults.down && !req.url?.startsWith('/v1/admin')) { req.socket.destroy(); return; }
    void listener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port ?? 0;
  const url = `https://127.0.0.1:${port}`;
  log.info('reference DC listening', { url });

  return {
    url, port, caCertPem: tls.certPem, faults, stats,
    async close() {
      running = false;
      (wake as (() => void) | null)?.();
      await jobLoop;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await db.close();
    },
  };
}
