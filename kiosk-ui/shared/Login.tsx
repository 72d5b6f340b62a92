import { useEffect, useState } from 'preact/hooks';
import { rawRequest } from './api.ts';
import type { LoginAnswer } from './schemas.ts';
import { login } from './session.ts';
import { loginFaultText, waitText } from './staff.ts';

export interface LoginProps {
  title: string;
  /** shown above the form: why the previous session ended */
  notice?: string | null;
  /** refuses a role that may not use this page (the supervisor page for an operator) */
  accept?: (a: LoginAnswer) => string | null;
  onSignedIn: (a: LoginAnswer) => void;
}

export function Login({ title, notice, accept, onSignedIn }: LoginProps) {
  const [username, setUsername] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [blockedUntil, setBlockedUntil] = useState(0);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    if (blockedUntil <= Date.now()) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [blockedUntil]);

  const blockedFor = Math.max(0, Math.ceil((blockedUntil - now) / 1000));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || blockedFor > 0) return;
    setBusy(true);
    setError(null);
    const r = await login(username.trim(), pin);
    setBusy(false);
    if (!r.ok) {
      setError(loginFaultText(r.fault));
      if (r.fault.kind === 'http' && r.fault.status === 429 && r.fault.retryAfterSeconds) {
        setBlockedUntil(Date.now() + r.fault.retryAfterSeconds * 1000);
        setNow(Date.now());
      }
      setPin('');
      return;
    }
    const refusal = accept?.(r.value) ?? null;
    if (refusal) {
      // do not leave the refused account's session open on the hub
      void rawRequest({ method: 'POST', path: '/api/auth/logout', token: r.value.token, timeoutMs: 3000 });
      setError(refusal);
      setPin('');
      return;
    }
    onSignedIn(r.value);
  };

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
          <input name="pin" type="password" inputMode="numeric" autocomplete="current-password" value={pin} onInput={(e) => setPin(e.currentTarget.value)} required />
        </label>
        {error && <p class="fault" role="alert" data-testid="login-error">{error}{blockedFor > 0 ? ` (sisa ${waitText(blockedFor)})` : ''}</p>}
        <button class="btn primary" type="submit" data-testid="login-submit" disabled={busy || blockedFor > 0}>
          {busy ? 'Memeriksa…' : 'Masuk'}
        </button>
      </form>
    </main>
  );
}
