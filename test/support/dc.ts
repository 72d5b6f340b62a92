/** The reference DC for hub tests, and enrolment records made from dataset templates. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request, Agent } from 'node:https';

export const DATASETS = process.env.KTP_DATASETS ?? join(process.cwd(), '..', 'shared', 'datasets');

export function isoTemplate(db: string, name: string): string {
  return readFileSync(join(DATASETS, 'fvc2002', db, `${name}.iso`)).toString('base64');
}

/** a small https client for the DC's admin API (fault injection, stats) */
export function dcAdmin(url: string, caCertPem: string, adminToken: string) {
  const agent = new Agent({ ca: caCertPem, keepAlive: false });
  const call = (method: string, path: string, body?: unknown) => new Promise<{ status: number; body: any }>((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(new URL(path, url), { method, agent, headers: { authorization: `Bearer ${adminToken}`, ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
  return {
    faults: (f: Record<string, unknown>) => call('POST', '/v1/admin/faults', f),
    stats: () => call('GET', '/v1/admin/stats').then((r) => r.body),
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}
