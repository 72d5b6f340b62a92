/**
 * A deliberately small hub-side client of the DC protocol, for the reference DC's own tests and
 * benchmark: it shares no code with hub/dc/ so that each side checks the other against the
 * document rather than against itself. Not for production use (no retries, no outbox).
 */
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CompactEncrypt, CompactSign, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface DcRecord {
  recordId: string; hubId: string; caseRef: string; seq: number;
  kind: 'enrolment' | 'collection_result' | 'card_return';
  createdAt: string; body: Record<string, unknown>;
}

export interface DcNotification { seq: number; id: string; type: string; caseRef: string; at: string; body: any }

export interface DcAnswer { status: number; body: any }

/** a call that got no HTTP answer: refused, cut, or timed out */
export class DcCallError extends Error {
  constructor(readonly code: 'ECONNREFUSED' | 'ECONNRESET' | 'TIMEOUT' | 'OTHER', message: string) { super(message); }
}

export function readDatasetIso(datasets: string, db: string, name: string): string {
  return readFileSync(join(datasets, 'fvc2002', db, `${name}.iso`)).toString('base64');
}

/** an enrolment with right index (position 2) and optionally left index (7) from dataset .iso files */
export function enrolmentRecord(hubId: string, datasets: string, right: [string, string], left?: [string, string], over: Partial<DcRecord> = {}): DcRecord {
  return {
    recordId: randomUUID(), hubId, caseRef: randomUUID(), seq: 1, kind: 'enrolment', createdAt: new Date().toISOString(),
    body: {
      nik: '3201019901990001', fullName: 'WARGA UJI',
      fingerprints: [
        { position: 2, format: 'iso19794-2', data: readDatasetIso(datasets, ...right) },
        ...(left ? [{ position: 7, format: 'iso19794-2', data: readDatasetIso(datasets, ...left) }] : []),
      ],
    },
    ...over,
  };
}

export class TestHubClient {
  private readonly agent: Agent;
  private dcEncryption: (JWK & { kid: string }) | null = null;

  private constructor(
    readonly url: string, readonly hubId: string, private readonly caCertPem: string,
    readonly signingKey: CryptoKey, readonly publicJwk: JWK, private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({ ca: caCertPem, keepAlive: true, maxSockets: 16 });
  }

  /** a hub with a fresh ES256 key (not yet registered) */
  static async create(url: string, caCertPem: string, hubId = `hub-${randomUUID().slice(0, 8)}`, timeoutMs = 3000): Promise<TestHubClient> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    return new TestHubClient(url, hubId, caCertPem, privateKey as CryptoKey, await exportJWK(publicKey), timeoutMs);
  }

  /** the same hub key and id, talking to another URL (a restarted DC on a new port) */
  withUrl(url: string): TestHubClient {
    const c = new TestHubClient(url, this.hubId, this.caCertPem, this.signingKey, this.publicJwk, this.timeoutMs);
    c.dcEncryption = this.dcEncryption;
    return c;
  }

  close(): void { this.agent.destroy(); }

  call(method: string, path: string, headers: Record<string, string> = {}, body?: string, timeoutMs = this.timeoutMs): Promise<DcAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.url), { method, agent: this.agent, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new DcCallError('ECONNRESET', e.message)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON: keep the text */ }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(new DcCallError('TIMEOUT', `no answer in ${timeoutMs} ms`)));
      req.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof DcCallError ? e
        : new DcCallError(e.code === 'ECONNREFUSED' ? 'ECONNREFUSED' : e.code === 'ECONNRESET' || /socket hang up/.test(e.message) ? 'ECONNRESET' : 'OTHER', e.message)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  token(over: { exp?: string | number; aud?: string; kid?: string } = {}): Promise<string> {
    return new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: over.kid ?? this.hubId })
      .setIssuer(over.kid ?? this.hubId).setAudience(over.aud ?? 'ktp-dc').setIssuedAt().setExpirationTime(over.exp ?? '2m')
      .sign(this.signingKey);
  }

  async register(bootstrapToken: string, publicJwk: JWK = this.publicJwk): Promise<DcAnswer> {
    return this.call('POST', '/v1/hubs/register', { authorization: `Bearer ${bootstrapToken}`, 'content-type': 'application/json' },
      JSON.stringify({ hubId: this.hubId, officeName: 'Kantor Uji', publicJwk }));
  }

  async dcKey(): Promise<JWK & { kid: string }> {
    if (!this.dcEncryption) this.dcEncryption = ((await this.call('GET', '/v1/keys')).body as { encryption: JWK & { kid: string } }).encryption;
    return this.dcEncryption;
  }

  /** JWS (ES256, kid = hubId) inside a JWE to the DC's encryption key */
  async seal(payload: unknown, signWith: CryptoKey = this.signingKey, to?: JWK & { kid: string }): Promise<string> {
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', kid: this.hubId }).sign(signWith);
    const enc = to ?? await this.dcKey();
    return new CompactEncrypt(new TextEncoder().encode(jws))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: enc.kid, cty: 'JWT' })
      .encrypt(await importJWK(enc, 'ECDH-ES+A256KW'));
  }

  async postPacket(path: '/v1/records' | '/v1/record-batches', packet: string, idempotencyKey: string, timeoutMs?: number): Promise<DcAnswer> {
    return this.call('POST', path, { authorization: `Bearer ${await this.token()}`, 'idempotency-key': idempotencyKey, 'content-type': 'application/jose' }, packet, timeoutMs);
  }

  async postRecord(record: DcRecord, opts: { timeoutMs?: number; key?: string } = {}): Promise<DcAnswer> {
    return this.postPacket('/v1/records', await this.seal(record), opts.key ?? record.recordId, opts.timeoutMs);
  }

  async notifications(after = 0, limit?: number): Promise<{ notifications: DcNotification[]; lastSeq: number }> {
    const r = await this.call('GET', `/v1/notifications?after=${after}${limit ? `&limit=${limit}` : ''}`, { authorization: `Bearer ${await this.token()}` });
    if (r.status !== 200) throw new Error(`notifications: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { notifications: DcNotification[]; lastSeq: number };
  }

  /** polls until the DC has announced what `ok` wants for a case (no fixed sleeps) */
  async waitForCase(caseRef: string, ok: (ns: DcNotification[]) => boolean = (ns) => ns.length > 0, ms = 20_000): Promise<DcNotification[]> {
    const until = Date.now() + ms;
    for (;;) {
      const ns = (await this.notifications(0, 500)).notifications.filter((n) => n.caseRef === caseRef);
      if (ok(ns)) return ns;
      if (Date.now() > until) throw new Error(`timed out waiting for case ${caseRef}; have ${JSON.stringify(ns)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  admin(adminToken: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<DcAnswer> {
    return this.call(method, path, { authorization: `Bearer ${adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body === undefined ? undefined : JSON.stringify(body));
  }
}
