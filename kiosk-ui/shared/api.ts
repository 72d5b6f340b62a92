/**
 * fetch against the hub's own origin, with the bearer token, answers checked by a zod schema.
 * Never throws: every outcome is a value the screens switch on.
 */
import type * as z from 'zod/mini';
import { ErrorBodySchema } from './schemas.ts';

export type ApiFault =
  /** the hub could not be reached (network down, hub restarting) */
  | { kind: 'network'; message: string }
  /** the hub answered with an error body (or a bare error status) */
  | { kind: 'http'; status: number; code: string; message: string; field?: string; retryAfterSeconds?: number }
  /** the hub answered 2xx with something the screen cannot use */
  | { kind: 'invalid-response'; status: number; message: string };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; fault: ApiFault };

export interface RequestOptions<T> {
  method?: 'GET' | 'POST';
  path: string;
  token: string | null;
  body?: unknown;
  schema: z.ZodMiniType<T>;
  headers?: Record<string, string>;
  /** aborts a request the hub does not answer (a hung connection must not freeze a screen) */
  timeoutMs?: number;
}

export async function apiRequest<T>(opts: RequestOptions<T>): Promise<ApiResult<T>> {
  const res = await rawRequest(opts);
  if (!res.ok) return res;
  const response = res.value;
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    return { ok: false, fault: { kind: 'invalid-response', status: response.status, message: 'answer is not JSON' } };
  }
  const parsed = opts.schema.safeParse(json);
  if (!parsed.success) {
    console.warn(`${opts.method ?? 'GET'} ${opts.path}: answer refused`, parsed.error.issues);
    return {
      ok: false,
      fault: { kind: 'invalid-response', status: response.status, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') },
    };
  }
  return { ok: true, value: parsed.data };
}

/** The request with the error handling but without reading the body (CSV downloads use it). */
export async function rawRequest(opts: Omit<RequestOptions<unknown>, 'schema'>): Promise<ApiResult<Response>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? 15_000);
  let response: Response;
  try {
    response = await fetch(opts.path, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: ctrl.signal,
      cache: 'no-store',
    });
  } catch (err) {
    return { ok: false, fault: { kind: 'network', message: err instanceof Error ? err.message : String(err) } };
  } finally {
    clearTimeout(timer);
  }
  if (response.ok) return { ok: true, value: response };
  return { ok: false, fault: await httpFault(response) };
}

async function httpFault(response: Response): Promise<ApiFault> {
  let code = `HTTP_${response.status}`;
  let message = response.statusText || `HTTP ${response.status}`;
  let field: string | undefined;
  const header = Number(response.headers.get('retry-after'));
  let retryAfter: number | undefined = Number.isFinite(header) && header > 0 ? header : undefined;
  try {
    const parsed = ErrorBodySchema.safeParse(await response.json());
    if (parsed.success) {
      code = parsed.data.error.code;
      message = parsed.data.error.message;
      field = parsed.data.error.field;
      retryAfter ??= parsed.data.error.retryAfterSeconds;
    }
  } catch {
    // a proxy's HTML error page: the status alone has to do
  }
  const fault: ApiFault = { kind: 'http', status: response.status, code, message };
  if (field !== undefined) fault.field = field;
  if (retryAfter !== undefined) fault.retryAfterSeconds = retryAfter;
  return fault;
}

/** 401/403: the credential is missing, expired or refused; the screen must get a new one. */
export function isAuthFault(f: ApiFault): boolean {
  return f.kind === 'http' && (f.status === 401 || f.status === 403);
}

/** Stable random id for Idempotency-Key headers (crypto.randomUUID needs a secure context). */
export function requestId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
