/**
 * A staff sign-in kept in localStorage under the screen's own key, and requests made with it: a
 * 401 from the hub ends the session at once and the screen returns to sign-in with the reason.
 */
import { useCallback, useMemo, useState } from 'preact/hooks';
import { apiRequest, rawRequest, type ApiResult, type RequestOptions } from './api.ts';
import { LoginAnswerSchema, LoginStepSchema, OkSchema, type LoginAnswer } from './schemas.ts';
import { SESSION_EXPIRED_TEXT, SIGNED_OUT_TEXT } from './staff.ts';
import { readStored, writeStored } from './token.ts';

export interface Session {
  token: string;
  role: string;
  user: LoginAnswer['user'];
}

function load(key: string): Session | null {
  const raw = readStored(key);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<Session>;
    if (typeof v.token === 'string' && typeof v.role === 'string' && v.user && typeof v.user.username === 'string') return v as Session;
  } catch {
    // a damaged entry: sign in again
  }
  writeStored(key, null);
  return null;
}

export function useSession(storageKey: string) {
  const [session, setSession] = useState<Session | null>(() => load(storageKey));
  const [endedBecause, setEndedBecause] = useState<string | null>(null);

  const end = useCallback((reason: string | null) => {
    writeStored(storageKey, null);
    setSession(null);
    setEndedBecause(reason);
  }, [storageKey]);

  const begin = useCallback((a: LoginAnswer) => {
    const s: Session = { token: a.token, role: a.role, user: a.user };
    writeStored(storageKey, JSON.stringify(s));
    setEndedBecause(null);
    setSession(s);
  }, [storageKey]);

  const token = session?.token ?? null;

  /** A request with the session's token; a 401 signs out. */
  const call = useCallback(async <T,>(opts: Omit<RequestOptions<T>, 'token'>): Promise<ApiResult<T>> => {
    const r = await apiRequest({ ...opts, token });
    if (!r.ok && r.fault.kind === 'http' && r.fault.status === 401) end(r.fault.code === 'SESSION_EXPIRED' ? SESSION_EXPIRED_TEXT : SIGNED_OUT_TEXT);
    return r;
  }, [token, end]);

  const raw = useCallback(async (opts: Omit<RequestOptions<unknown>, 'token' | 'schema'>) => {
    const r = await rawRequest({ ...opts, token });
    if (!r.ok && r.fault.kind === 'http' && r.fault.status === 401) end(r.fault.code === 'SESSION_EXPIRED' ? SESSION_EXPIRED_TEXT : SIGNED_OUT_TEXT);
    return r;
  }, [token, end]);

  const logout = useCallback(async () => {
    if (token) await rawRequest({ method: 'POST', path: '/api/auth/logout', token, timeoutMs: 3000 });
    end(null);
  }, [token, end]);

  return useMemo(() => ({ session, endedBecause, begin, end, call, raw, logout }), [session, endedBecause, begin, end, call, raw, logout]);
}

/** Username and PIN: a session, or for an operator with an enrolled finger a challenge for the second step. */
export async function login(username: string, pin: string) {
  return apiRequest({ method: 'POST', path: '/api/auth/login', token: null, body: { username, pin }, schema: LoginStepSchema });
}

/** The second step: the hub waits for the finger on the counter's scanner (up to 30 s) and matches it. */
/** Stops the hub's capture for this challenge (the officer pressed "Batal"). */
export async function cancelFingerprintLogin(challenge: string) {
  return apiRequest({ method: 'POST', path: '/api/auth/login/fingerprint/cancel', token: null, body: { challenge }, schema: OkSchema, timeoutMs: 5000 });
}

export async function loginWithFingerprint(challenge: string) {
  return apiRequest({ method: 'POST', path: '/api/auth/login/fingerprint', token: null, body: { challenge }, schema: LoginAnswerSchema, timeoutMs: 45_000 });
}
