import { useEffect, useRef, useState } from 'preact/hooks';
import { rawRequest } from './api.ts';
import { FINGER_PROMPT_TEXT, fingerprintLoginFaultText } from './fingerprint.ts';
import type { LoginAnswer } from './schemas.ts';
import { cancelFingerprintLogin, login, loginWithFingerprint } from './session.ts';
import { loginFaultText, waitText } from './staff.ts';

export interface LoginProps {
  title: string;
  /** shown above the form: why the previous session ended */
  notice?: string | null;
  /** refuses a role that may not use this page (the supervisor page for an operator) */
  accept?: (a: LoginAnswer) => string | null;
  /** an extra line under the fingerprint prompt (the simulator panel says where the finger comes from) */
  fingerHint?: string;
  onSignedIn: (a: LoginAnswer) => void;
}

/**
 * Username and PIN, then for an operator with an enrolled finger the fingerprint step (SOP A2.g):
 * the hub holds the request open while it waits for the finger, so the page only shows the prompt.
 */
export function Login({ title, notice, accept, fingerHint, onSignedIn }: LoginProps) {
  const [username, setUsername] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [fingerStep, setFingerStep] = useState(false);
  const [challenge, setChallenge] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [blockedUntil, setBlockedUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  const pinInput = useRef<HTMLInputElement>(null);
  // after a refusal the username stays: the retry starts at the PIN
  useEffect(() => {
    if (error && !fingerStep && username) pinInput.current?.focus();
  }, [error, fingerStep]);

  useEffect(() => {
    if (blockedUntil <= Date.now()) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [blockedUntil]);

  const blockedFor = Math.max(0, Math.ceil((blockedUntil - now) / 1000));

  const refuse = (text: string, fault?: { kind: string; status?: number; retryAfterSeconds?: number }) => {
    setError(text);
    if (fault?.kind === 'http' && fault.status === 429 && fault.retryAfterSeconds) {
      setBlockedUntil(Date.now() + fault.retryAfterSeconds * 1000);
      setNow(Date.now());
    }
    setPin('');
  };

  const finish = (a: LoginAnswer) => {
    const refusal = accept?.(a) ?? null;
    if (refusal) {
      // do not leave the refused account's session open on the hub
      void rawRequest({ method: 'POST', path: '/api/auth/logout', token: a.token, timeoutMs: 3000 });
      refuse(refusal);
      return;
    }
    onSignedIn(a);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || blockedFor > 0) return;
    setBusy(true);
    setError(null);
    const r = await login(username.trim(), pin);
    if (!r.ok) {
      setBusy(false);
      refuse(loginFaultText(r.fault), r.fault);
      return;
    }
    if (!('fingerprintRequired' in r.value)) {
      setBusy(false);
      finish(r.value);
      return;
    }
    setFingerStep(true);
    setChallenge(r.value.challenge);
    const f = await loginWithFingerprint(r.value.challenge);
    setFingerStep(false);
    setChallenge(null);
    setBusy(false);
    if (!f.ok) {
      if (f.fault.kind === 'http' && f.fault.code === 'CAPTURE_CANCELLED') {
        // the officer pressed "Batal": back to the PIN, nothing to apologise for
        setPin('');
        return;
      }
      refuse(fingerprintLoginFaultText(f.fault), f.fault);
      return;
    }
    finish(f.value);
  };

  if (fingerStep) {
    return (
      <main class="login">
        <div class="card login-card finger-step" role="status" aria-live="polite" data-testid="fingerprint-step">
          <h1>{title}</h1>
          <FingerPictogram />
          <p class="finger-prompt" data-testid="fingerprint-prompt">{FINGER_PROMPT_TEXT}</p>
          <p class="finger-wait"><span class="spinner" aria-hidden="true" /> Menunggu jari Anda…</p>
          <p class="muted small">Place your right index finger on the fingerprint scanner.</p>
          {fingerHint && <p class="banner warn small" data-testid="fingerprint-hint">{fingerHint}</p>}
          <button type="button" class="btn" data-testid="fingerprint-cancel"
            onClick={() => { if (challenge) void cancelFingerprintLogin(challenge); }}>Batal</button>
        </div>
      </main>
    );
  }

  return (
    <main class="login">
      <form class="card login-card" onSubmit={submit} data-testid="login-form">
        <h1>{title}</h1>
        {notice && <p class="banner warn" role="status" data-testid="login-notice">{notice}</p>}
        <label>
          Nama pengguna
          <input name="username" autocomplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required autoFocus />
        </label>
        <label>
          PIN
          <input ref={pinInput} name="pin" type="password" inputMode="numeric" autocomplete="current-password" value={pin} onInput={(e) => setPin(e.currentTarget.value)} required />
        </label>
        {error && <p class="fault" role="alert" data-testid="login-error">{error}{blockedFor > 0 ? ` (sisa ${waitText(blockedFor)})` : ''}</p>}
        <button class="btn primary" type="submit" data-testid="login-submit" disabled={busy || blockedFor > 0}>
          {busy ? 'Memeriksa…' : 'Masuk'}
        </button>
      </form>
    </main>
  );
}

/** A hand's index finger above a scanner glass: drawn inline, no image files to load. */
export function FingerPictogram() {
  return (
    <svg class="finger-pict" viewBox="0 0 120 120" width="120" height="120" aria-hidden="true">
      <rect x="20" y="88" width="80" height="20" rx="6" fill="#0b4f8a" />
      <rect x="32" y="92" width="56" height="8" rx="3" fill="#8fd3ff" />
      <path d="M52 86 V30 a8 8 0 0 1 16 0 V86 Z" fill="#f1c9a5" stroke="#8a5a3c" stroke-width="3" />
      <path d="M55 36 q5 -6 10 0 M55 44 q5 -6 10 0 M55 52 q5 -6 10 0" stroke="#8a5a3c" stroke-width="1.5" fill="none" />
      <path d="M60 10 v10 M48 14 l5 7 M72 14 l-5 7" stroke="#f2a900" stroke-width="3" stroke-linecap="round" />
    </svg>
  );
}
