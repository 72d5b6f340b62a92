/**
 * HTTPS to the DC with node:https: keep-alive connections, the DC's certificate pinned as the only
 * trusted CA, and a time-out on every request. Resolves with status and parsed body, or rejects
 * with a typed transport error (refused, timed out, TLS) that the sender treats as "retry".
 */
import { Agent, request } from 'node:https';

export class DcTransportError extends Error {
  constructor(public readonly code: 'CONNECTION' | 'TIMEOUT' | 'TLS' | 'BAD_RESPONSE', message: string) {
    super(message);
    this.name = 'DcTransportError';
  }
}

export interface DcResponse { status: number; body: unknown }

export class DcHttpClient {
  private readonly agent: Agent;
  constructor(private readonly baseUrl: string, caCertPem: string, private readonly timeoutMs: number, maxSockets = 32) {
    this.agent = new Agent({ keepAlive: true, maxSockets, ca: caCertPem });
  }

  send(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<DcResponse> {
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const req = request(url, { method, agent: this.agent, headers: { ...headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new DcTransportError('CONNECTION', e.message)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          if (text) {
            try { parsed = JSON.parse(text); } catch { parsed = { error: { code: 'BAD_RESPONSE', message: text.slice(0, 200) } }; }
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new DcTransportError('TIMEOUT', `no answer from the DC within ${this.timeoutMs} ms`)));
      req.on('error', (e) => {
        if (e instanceof DcTransportError) return reject(e);
        const code = /certificate|self.signed|TLS|SSL/i.test(e.message) ? 'TLS' : 'CONNECTION';
        reject(new DcTransportError(code, e.message));
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
