/** Starts a real hub on an ephemeral port with its own data folder, and talks to it as screens do. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { startHub, type RunningHub, type StartOptions } from '../../hub/index.ts';
import { createLogger } from '../../hub/log.ts';

export interface TestHub extends RunningHub {
  dataDir: string;
  api<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }>;
  login(who: 'operator' | 'supervisor'): Promise<string>;
  socket(ns: string, token?: string): Socket;
  /** closes the hub and removes its data folder */
  destroy(): Promise<void>;
}

export async function startTestHub(opts: StartOptions & { dataDir?: string } = {}): Promise<TestHub> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hub-test-'));
  const hub = await startHub({ port: 0, host: '127.0.0.1', logger: createLogger('error'), dc: { url: 'none' }, ...opts, dataDir });
  const sockets: Socket[] = [];
  const api = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(hub.url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* CSV or HTML */ }
    return { status: res.status, body: parsed as any };
  };
  return {
    ...hub,
    dataDir,
    api,
    async login(who) {
      const r = await api('POST', '/api/auth/login', undefined, hub.demo![who]);
      if (r.status !== 200) throw new Error(`login ${who}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    socket(ns, token) {
      const s = io(hub.url + ns, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(s);
      return s;
    },
    async close() {
      for (const s of sockets) s.close();
      await hub.close();
    },
    async destroy() {
      for (const s of sockets) s.close();
      await hub.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function nextEvent<T = any>(s: Socket, event: string, pred: (v: T) => boolean = () => true, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { s.off(event, on); reject(new Error(`no ${event} within ${ms} ms`)); }, ms);
    const on = (v: T) => { if (pred(v)) { clearTimeout(timer); s.off(event, on); resolve(v); } };
    s.on(event, on);
  });
}

export function connectResult(s: Socket, ms = 5000): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    s.once('connect', () => { clearTimeout(timer); resolve('connected'); });
    s.once('connect_error', (e) => { clearTimeout(timer); resolve(e.message); });
  });
}

/** valid NIKs for tests: region 320101 (Kab. Bogor, Cibinong), distinct serials */
export function nik(serial: number, female = false): string {
  return `320101${female ? '45' : '05'}0890${String(serial).padStart(4, '0')}`;
}
