/**
 * The reference DC's HTTP app (docs/DC-PROTOCOL.md): web-standard Hono, served over HTTPS by
 * index.ts. Every parser of a hub's bytes answers a specific 400 and never throws past here.
 */
import { Hono, type Context } from 'hono';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { compactDecrypt, compactVerify, decodeProtectedHeader, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import type { Database } from '../store/db.ts';
import type { Logger } from '../log.ts';
import type { FaultController } from './faults.ts';
import { FaultsInputSchema } from './faults.ts';
import type { DcKeyPair } from './keys.ts';

const b64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
const nik = z.string().regex(/^\d{16}$/, 'must be 16 digits');
const iso = z.string().datetime({ offset: true });

const RecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('enrolment'), body: z.object({
    nik, fullName: z.string().min(1).max(120),
    fingerprints: z.array(z.object({ position: z.number().int().min(1).max(10), format: z.literal('iso19794-2'), data: b64 })).min(1).max(10),
    face: b64.optional(), signature: b64.optional(),
  }) }),
  z.object({ kind: z.literal('collection_result'), body: z.object({
    nik, cardSerial: z.string().min(1), result: z.enum(['berhasil', 'gagal']), reason: z.string().optional(),
    verifiedFingers: z.array(z.number().int()), at: iso,
    receiptNumber: z.string().max(64).optional(), oldKtpWithdrawn: z.boolean().optional(), officer: z.string().max(64).optional(),
  }) }),
  z.object({ kind: z.literal('card_return'), body: z.object({ nik, cardSerial: z.string().min(1), reason: z.string().min(1), at: iso }) }),
]).and(z.object({
  recordId: z.string().uuid(), hubId: z.string().min(1), caseRef: z.string().min(1), seq: z.number().int().min(1), createdAt: iso,
}));
export type DcRecordIn = z.infer<typeof RecordSchema>;

const RegisterSchema = z.object({
  hubId: z.string().regex(/^[a-z0-9-]{3,64}$/),
  officeName: z.string().min(1).max(200),
  publicJwk: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }).passthrough(),
});

export interface DcAppDeps {
  db: Database;
  log: Logger;
  faults: FaultController;
  keys: { signing: DcKeyPair; encryption: DcKeyPair };
  bootstrapToken: string;
  adminToken: string;
  resultDelayMs: number;
  /** called after a record and its job are stored, so the job runner can look sooner */
  onStored(): void;
  stats(): Promise<unknown>;
}

const err = (c: Context, status: 400 | 401 | 403 | 404 | 409 | 500 | 503, code: string, message: string) =>
  c.json({ error: { code, message } }, status);

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a); const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};
const bearer = (c: Context) => c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];

/** holds the answer until the client gives up (or 2 minutes pass, so nothing waits for ever) */
const withheld = (c: Context) => new Promise<void>((resolve) => {
  const t = setTimeout(resolve, 120_000);
  t.unref();
  c.req.raw.signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); });
});

/** the injected delay; false when the client gave up meanwhile (nothing more is done for it) */
const slow = (c: Context, ms: number) => new Promise<boolean>((resolve) => {
  const signal = c.req.raw.signal;
  if (signal?.aborted) { resolve(false); return; }
  const t = setTimeout(() => resolve(true), ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(false); });
});

export function createReferenceDcApp(d: DcAppDeps): Hono {
  const app = new Hono();
  const hubKeys = new Map<string, CryptoKey>();

  async function hubKey(hubId: string): Promise<CryptoKey | null> {
    const cached = hubKeys.get(hubId);
    if (cached) return cached;
    const row = await d.db.get<{ public_jwk: string }>('SELECT public_jwk FROM hubs WHERE hub_id = ?', [hubId]);
    if (!row) return null;
    const key = await importJWK(JSON.parse(row.public_jwk) as JWK, 'ES256') as CryptoKey;
    hubKeys.set(hubId, key);
    return key;
  }

  /** the hub behind a request's JWT, or an error answer */
  async function authHub(c: Context): Promise<string | Response> {
    const token = bearer(c);
    if (!token) return err(c, 401, 'BAD_TOKEN', 'no bearer token');
    let kid: string | undefined;
    try { kid = decodeProtectedHeader(token).kid; } catch { return err(c, 401, 'BAD_TOKEN', 'not a JWT'); }
    if (!kid) return err(c, 401, 'BAD_TOKEN', 'the JWT names no hub (kid)');
    const key = await hubKey(kid);
    if (!key) return err(c, 401, 'UNKNOWN_HUB', `hub ${kid} is not registered`);
    try {
      const { payload } = await jwtVerify(token, key, { audience: 'ktp-dc', issuer: kid, maxTokenAge: '5m' });
      if (typeof payload.exp !== 'number' || payload.exp - Math.floor(Date.now() / 1000) > 300) return err(c, 401, 'BAD_TOKEN', 'the JWT must expire within 5 minutes');
    } catch (e) {
      return err(c, 401, 'BAD_TOKEN', `JWT refused: ${(e as Error).message}`);
    }
    return kid;
  }

  const admin = (c: Context): Response | null => {
    const t = bearer(c);
    return t && sameSecret(t, d.adminToken) ? null : err(c, 401, 'BAD_ADMIN_TOKEN', 'admin token required');
  };

  app.onError((e, c) => {
    d.log.error('reference DC request failed', { path: c.req.path, error: e });
    return err(c, 500, 'INTERNAL', 'internal error');
  });

  app.get('/v1/health', (c) => c.json({ status: 'ok' }));
  app.get('/v1/keys', (c) => c.json({ signing: d.keys.signing.publicJwk, encryption: d.keys.encryption.publicJwk }));

  app.post('/v1/hubs/register', async (c) => {
    const t = bearer(c);
    if (!t || !sameSecret(t, d.bootstrapToken)) return err(c, 401, 'BAD_BOOTSTRAP_TOKEN', 'the bootstrap token is wrong');
    const parsed = RegisterSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return err(c, 400, 'INVALID_REGISTRATION', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const { hubId, officeName, publicJwk } = parsed.data;
    const canonical = JSON.stringify({ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y });
    const existing = await d.db.get<{ public_jwk: string; registered_at: string }>('SELECT public_jwk, registered_at FROM hubs WHERE hub_id = ?', [hubId]);
    if (existing) {
      if (existing.public_jwk !== canonical) return err(c, 409, 'HUB_KEY_MISMATCH', `hub ${hubId} is registered with another key`);
      return c.json({ hubId, registeredAt: existing.registered_at });
    }
    const at = new Date().toISOString();
    await d.db.run('INSERT INTO hubs (hub_id, office_name, public_jwk, registered_at) VALUES (?, ?, ?, ?)', [hubId, officeName, canonical, at]);
    d.log.info('hub registered', { hubId });
    return c.json({ hubId, registeredAt: at });
  });

  app.post('/v1/records', async (c) => {
    if (d.faults.slowMs && !(await slow(c, d.faults.slowMs))) return err(c, 503, 'INJECTED', 'the client left during the injected delay');
    if (d.faults.take('error500')) return err(c, 500, 'INJECTED', 'injected fault: 500');
    const hubId = await authHub(c);
    if (typeof hubId !== 'string') return hubId;
    const key = c.req.header('idempotency-key');
    if (!key || !/^[0-9a-f-]{36}$/i.test(key)) return err(c, 400, 'BAD_PACKET', 'Idempotency-Key must be the record id (a uuid)');

    const opened = await openPacket(c, hubId, await c.req.text());
    if (opened instanceof Response) return opened;
    const [out] = await storeRecords(hubId, [{ key, raw: opened }]);
    if (out!.error) return err(c, out!.error.status, out!.error.code, out!.error.message);
    if (out!.duplicate) return c.json({ receiptId: out!.receiptId, duplicate: true }, 200);
    if (d.faults.take('timeoutAfterStore')) {
      // stored, but the answer never comes: the hub times out and must send again
      await withheld(c);
      return err(c, 503, 'INJECTED', 'injected fault: answer withheld');
    }
    return c.json({ receiptId: out!.receiptId, duplicate: false }, 201);
  });

  const BatchSchema = z.object({ batchId: z.string().uuid(), hubId: z.string(), records: z.array(z.unknown()).min(1).max(200) });

  /** Many records in one sealed packet: one decryption and one signature for all; each record
   *  keeps its own idempotency (its recordId) and gets its own result. */
  app.post('/v1/record-batches', async (c) => {
    if (d.faults.slowMs && !(await slow(c, d.faults.slowMs))) return err(c, 503, 'INJECTED', 'the client left during the injected delay');
    if (d.faults.take('error500')) return err(c, 500, 'INJECTED', 'injected fault: 500');
    const hubId = await authHub(c);
    if (typeof hubId !== 'string') return hubId;
    const key = c.req.header('idempotency-key');
    const opened = await openPacket(c, hubId, await c.req.text());
    if (opened instanceof Response) return opened;
    const batch = BatchSchema.safeParse(opened);
    if (!batch.success) return err(c, 400, 'INVALID_RECORD', `batch: ${batch.error.issues[0]!.path.join('.')}: ${batch.error.issues[0]!.message}`);
    if (batch.data.batchId !== key) return err(c, 400, 'KEY_MISMATCH', 'Idempotency-Key differs from the batch id');
    if (batch.data.hubId !== hubId) return err(c, 400, 'INVALID_RECORD', 'hubId: differs from the signing hub');
    const items = batch.data.records.map((raw) => ({ key: (raw as { recordId?: unknown })?.recordId as string, raw }));
    const results = await storeRecords(hubId, items);
    if (d.faults.take('timeoutAfterStore')) {
      await withheld(c);
      return err(c, 503, 'INJECTED', 'injected fault: answer withheld');
    }
    return c.json({ results: results.map((r, i) => (r.error
      ? { recordId: items[i]!.key ?? null, error: { code: r.error.code, message: r.error.message } }
      : { recordId: items[i]!.key, receiptId: r.receiptId, duplicate: r.duplicate })) });
  });

  /** decrypts the JWE and verifies the hub's JWS; the answer on failure */
  async function openPacket(c: Context, hubId: string, sealed: string): Promise<unknown | Response> {
    let jws: string;
    try {
      const { plaintext } = await compactDecrypt(sealed, d.keys.encryption.privateKey);
      jws = new TextDecoder().decode(plaintext);
    } catch (e) {
      return err(c, 400, 'BAD_PACKET', `cannot decrypt the packet: ${(e as Error).message}`);
    }
    let payload: Uint8Array;
    try {
      const header = decodeProtectedHeader(jws);
      if (header.kid !== hubId) return err(c, 400, 'BAD_SIGNATURE', 'the packet is signed for another hub');
      ({ payload } = await compactVerify(jws, (await hubKey(hubId))!));
    } catch (e) {
      return err(c, 400, 'BAD_SIGNATURE', `the hub's signature does not verify: ${(e as Error).message}`);
    }
    try { return JSON.parse(new TextDecoder().decode(payload)) as unknown; } catch { return err(c, 400, 'INVALID_RECORD', 'the record is not JSON'); }
  }

  type Stored = { receiptId: string; duplicate: boolean; error?: undefined } | { error: { status: 400; code: string; message: string }; receiptId?: undefined; duplicate?: undefined };

  /** validates and stores records (and their 1:N jobs) in one transaction; repeats are recognised */
  async function storeRecords(hubId: string, items: { key: string | undefined; raw: unknown }[]): Promise<Stored[]> {
    const now = Date.now();
    let duplicates = 0;
    const out = await d.db.transaction(async (q) => {
      const results: Stored[] = [];
      for (const { key, raw } of items) {
        // only a batch's records get here without a uuid (a single post's header is checked first)
        if (!key || !/^[0-9a-f-]{36}$/i.test(key)) { results.push({ error: { status: 400, code: 'INVALID_RECORD', message: 'recordId: must be a uuid' } }); continue; }
        // a packet under another record's key must not be taken for a repeat of that record
        if ((raw as { recordId?: unknown } | null)?.recordId !== key) { results.push({ error: { status: 400, code: 'KEY_MISMATCH', message: 'Idempotency-Key differs from the record id' } }); continue; }
        const prior = await q.get<{ receipt_id: string; hub_id: string }>('SELECT receipt_id, hub_id FROM records WHERE record_id = ?', [key]);
        if (prior) {
          if (prior.hub_id !== hubId) { results.push({ error: { status: 400, code: 'KEY_MISMATCH', message: 'that record id belongs to another hub' } }); continue; }
          duplicates++;
          results.push({ receiptId: prior.receipt_id, duplicate: true });
          continue;
        }
        const rec = RecordSchema.safeParse(raw);
        if (!rec.success) {
          const i = rec.error.issues[0]!;
          results.push({ error: { status: 400, code: 'INVALID_RECORD', message: `${i.path.join('.') || 'record'}: ${i.message}` } });
          continue;
        }
        if (rec.data.hubId !== hubId) { results.push({ error: { status: 400, code: 'INVALID_RECORD', message: 'hubId: differs from the signing hub' } }); continue; }
        const receiptId = randomUUID();
        // the record and its effect in one transaction: a crash never stores one without the other
        await q.run('INSERT INTO records (record_id, hub_id, case_ref, seq, kind, receipt_id, received_at, body_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [key, hubId, rec.data.caseRef, rec.data.seq, rec.data.kind, receiptId, new Date(now).toISOString(), JSON.stringify(rec.data.body)]);
        if (rec.data.kind === 'enrolment') {
          await q.run('INSERT INTO jobs (record_id, due_at) VALUES (?, ?)', [key, new Date(now + d.resultDelayMs).toISOString()]);
        }
        results.push({ receiptId, duplicate: false });
      }
      if (duplicates) await q.run(`INSERT INTO counters (name, value) VALUES ('duplicate_deliveries', ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`, [duplicates]);
      return results;
    });
    if (out.some((r) => !r.error && !r.duplicate)) d.onStored();
    return out;
  }

  app.get('/v1/notifications', async (c) => {
    const hubId = await authHub(c);
    if (typeof hubId !== 'string') return hubId;
    const after = Number(c.req.query('after') ?? 0);
    const limit = Math.min(500, Math.max(1, Number(c.req.query('limit') ?? 100)));
    if (!Number.isInteger(after) || after < 0 || !Number.isFinite(limit)) return err(c, 400, 'INVALID_QUERY', 'after and limit must be whole numbers');
    const rows = await d.db.all<{ seq: number; id: string; type: string; case_ref: string; at: string; body_json: string }>(
      'SELECT seq, id, type, case_ref, at, body_json FROM notifications WHERE hub_id = ? AND seq > ? ORDER BY seq LIMIT ?', [hubId, after, limit]);
    const notifications = rows.map((r) => ({ seq: r.seq, id: r.id, type: r.type, caseRef: r.case_ref, at: r.at, body: JSON.parse(r.body_json) }));
    return c.json({ notifications, lastSeq: rows.at(-1)?.seq ?? after });
  });

  app.get('/v1/admin/faults', (c) => admin(c) ?? c.json(d.faults.view()));
  app.post('/v1/admin/faults', async (c) => {
    const denied = admin(c);
    if (denied) return denied;
    const parsed = FaultsInputSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return err(c, 400, 'INVALID_FAULTS', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const down = parsed.data.down;
    if (typeof down === 'object' && down.mode === 'refuse' && !down.forMs) {
      return err(c, 400, 'INVALID_FAULTS', "down: mode 'refuse' over the admin API needs forMs (the closed listener takes the admin API with it)");
    }
    await d.faults.set(parsed.data);
    d.log.info('faults set', { faults: d.faults.view() });
    return c.json(d.faults.view());
  });
  app.get('/v1/admin/stats', async (c) => admin(c) ?? c.json(await d.stats()));
  app.all('*', (c) => err(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  return app;
}
