/**
 * Who is calling: device tokens for kiosks and displays, sessions for operators and supervisors
 * (username + PIN, idle expiry, rate-limited sign-in with every failure audited).
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../store/db.ts';
import type { Principal } from './roles.ts';
import { FailureWindow } from './rate-limit.ts';
import { hashPin, newToken, tokenHash, verifyPin } from './secrets.ts';
import { HubError } from '../http/errors.ts';

export interface AuthOptions {
  sessionIdleMinutes: number;
  maxFailuresPerUser: number;
  maxFailuresPerAddress: number;
  windowMinutes: number;
  now?: () => number;
}

export interface UserRecord { id: string; username: string; displayName: string; role: 'operator' | 'supervisor' }

interface SessionRow {
  id: string; user_id: string; counter_id: string | null; last_seen_at: string; ended_at: string | null;
  username: string; display_name: string; role: 'operator' | 'supervisor'; disabled_at: string | null;
}

export class AuthService {
  private readonly byUser: FailureWindow;
  private readonly byAddress: FailureWindow;
  private readonly now: () => number;
  /** sessions whose last_seen_at was written recently; spares a write on every request */
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Database, private readonly opts: AuthOptions) {
    this.byUser = new FailureWindow(opts.maxFailuresPerUser, opts.windowMinutes * 60_000);
    this.byAddress = new FailureWindow(opts.maxFailuresPerAddress, opts.windowMinutes * 60_000);
    this.now = opts.now ?? Date.now;
  }

  async audit(actor: string, action: string, detail: Record<string, unknown> = {}): Promise<void> {
    await this.db.run('INSERT INTO audit_log (at, actor, action, detail_json) VALUES (?, ?, ?, ?)',
      [new Date(this.now()).toISOString(), actor, action, JSON.stringify(detail)]);
  }

  async registerDevice(role: 'kiosk' | 'display', name: string): Promise<{ id: string; token: string }> {
    const id = `${role}-${randomUUID().slice(0, 8)}`;
    const token = newToken();
    await this.db.run('INSERT INTO registered_devices (id, role, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)',
      [id, role, name, tokenHash(token), new Date(this.now()).toISOString()]);
    return { id, token };
  }

  async createUser(username: string, displayName: string, role: 'operator' | 'supervisor', pin: string): Promise<string> {
    if (!/^\d{6,8}$/.test(pin)) throw new HubError(400, 'PIN_FORMAT', 'PIN must be 6 to 8 digits', 'pin');
    const id = `u-${randomUUID().slice(0, 8)}`;
    await this.db.run('INSERT INTO users (id, username, display_name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [id, username, displayName, role, await hashPin(pin), new Date(this.now()).toISOString()]);
    return id;
  }

  /** Username and PIN, rate-limited per user and per address; every failure is audited. */
  async checkCredentials(username: string, pin: string, address: string): Promise<UserRecord> {
    const now = this.now();
    this.assertNotBlocked(username, address, now);
    const user = await this.db.get<{ id: string; username: string; display_name: string; role: 'operator' | 'supervisor'; pin_hash: string; disabled_at: string | null }>(
      'SELECT id, username, display_name, role, pin_hash, disabled_at FROM users WHERE username = ?', [username]);
    // verify against a dummy hash for unknown users too, so timing does not reveal which names exist
    const ok = await verifyPin(pin, user?.pin_hash ?? DUMMY_HASH) && !!user && !user.disabled_at;
    if (!ok || !user) {
      await this.recordFailure(username, address, 'login.failed');
      throw new HubError(401, 'BAD_CREDENTIALS', 'wrong username or PIN');
    }
    return { id: user.id, username: user.username, displayName: user.display_name, role: user.role };
  }

  private assertNotBlocked(username: string, address: string, now: number): void {
    const wait = Math.max(this.byUser.blockedFor(username.toLowerCase(), now), this.byAddress.blockedFor(address, now));
    if (wait > 0) {
      void this.audit(username, 'login.blocked', { address, retryAfterSeconds: wait });
      throw new HubError(429, 'TOO_MANY_ATTEMPTS', `too many failed sign-ins; try again in ${wait} s`, undefined, { retryAfterSeconds: wait });
    }
  }

  /** A failed PIN or fingerprint counts against the same limits. */
  async recordFailure(username: string, address: string, action: string): Promise<void> {
    const now = this.now();
    this.byUser.fail(username.toLowerCase(), now);
    this.byAddress.fail(address, now);
    await this.audit(username, action, { address });
  }

  async openSession(user: UserRecord, address: string, via: 'pin' | 'pin+fingerprint'): Promise<{ token: string; principal: Principal }> {
    const now = this.now();
    this.byUser.clear(user.username.toLowerCase());
    const token = newToken();
    const sessionId = randomUUID();
    const iso = new Date(now).toISOString();
    await this.db.run('INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
      [sessionId, tokenHash(token), user.id, iso, iso]);
    await this.audit(user.username, 'login.ok', { address, via });
    return {
      token,
      principal: { kind: 'user', role: user.role, userId: user.id, username: user.username, displayName: user.displayName, sessionId, counterId: null },
    };
  }

  async login(username: string, pin: string, address: string): Promise<{ token: string; principal: Principal }> {
    const user = await this.checkCredentials(username, pin, address);
    return this.openSession(user, address, 'pin');
  }

  private readonly challenges = new Map<string, { user: UserRecord; address: string; expiresAt: number; capture?: AbortController }>();

  /** After a right PIN, the second factor: a one-time challenge valid for a minute. */
  createChallenge(user: UserRecord, address: string): { challenge: string; expiresInSeconds: number } {
    const now = this.now();
    for (const [k, v] of this.challenges) if (v.expiresAt < now) this.challenges.delete(k);
    const challenge = newToken();
    this.challenges.set(challenge, { user, address, expiresAt: now + 60_000 });
    return { challenge, expiresInSeconds: 60 };
  }

  peekChallenge(challenge: string): { user: UserRecord; address: string } {
    const c = this.challenges.get(challenge);
    if (!c || c.expiresAt < this.now()) {
      this.challenges.delete(challenge);
      throw new HubError(401, 'CHALLENGE_EXPIRED', 'the sign-in took too long; enter your username and PIN again');
    }
    this.assertNotBlocked(c.user.username, c.address, this.now());
    return c;
  }

  dropChallenge(challenge: string): void {
    this.challenges.delete(challenge);
  }

  /** A capture for this challenge is running: `cancelChallenge` can stop it. */
  captureFor(challenge: string): AbortSignal {
    const c = this.challenges.get(challenge);
    const ac = new AbortController();
    if (c) c.capture = ac;
    return ac.signal;
  }

  /** The officer gave up on the finger: the capture stops and the challenge is spent. */
  cancelChallenge(challenge: string): boolean {
    const c = this.challenges.get(challenge);
    if (!c) return false;
    c.capture?.abort();
    this.challenges.delete(challenge);
    return true;
  }

  async logout(sessionId: string): Promise<void> {
    await this.db.run('UPDATE sessions SET ended_at = ? WHERE id = ?', [new Date(this.now()).toISOString(), sessionId]);
    this.touched.delete(sessionId);
  }

  async setCounter(sessionId: string, counterId: string): Promise<void> {
    await this.db.run('UPDATE sessions SET counter_id = ? WHERE id = ?', [counterId, sessionId]);
  }

  /** The principal behind a bearer token, or a typed 401. Refreshes the session's idle timer. */
  async authenticate(token: string | undefined, opts: { touch?: boolean } = {}): Promise<Principal> {
    if (!token) throw new HubError(401, 'UNAUTHORIZED', 'no credentials');
    const hash = tokenHash(token);
    const dev = await this.db.get<{ id: string; role: 'kiosk' | 'display'; name: string; revoked_at: string | null }>(
      'SELECT id, role, name, revoked_at FROM registered_devices WHERE token_hash = ?', [hash]);
    if (dev) {
      if (dev.revoked_at) throw new HubError(401, 'UNAUTHORIZED', 'device token revoked');
      return { kind: 'device', role: dev.role, deviceId: dev.id, name: dev.name };
    }
    const s = await this.db.get<SessionRow>(
      `SELECT s.id, s.user_id, s.counter_id, s.last_seen_at, s.ended_at, u.username, u.display_name, u.role, u.disabled_at
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, [hash]);
    if (!s || s.ended_at || s.disabled_at) throw new HubError(401, 'UNAUTHORIZED', 'unknown or ended session');
    const now = this.now();
    const lastSeen = Math.max(Date.parse(s.last_seen_at), this.touched.get(s.id) ?? 0);
    if (now - lastSeen > this.opts.sessionIdleMinutes * 60_000) {
      await this.db.run('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL', [new Date(now).toISOString(), s.id]);
      throw new HubError(401, 'SESSION_EXPIRED', 'session expired after inactivity; sign in again');
    }
    if (opts.touch === false) return { kind: 'user', role: s.role, userId: s.user_id, username: s.username, displayName: s.display_name, sessionId: s.id, counterId: s.counter_id };
    if (now - lastSeen > 30_000) {
      await this.db.run('UPDATE sessions SET last_seen_at = ? WHERE id = ?', [new Date(now).toISOString(), s.id]);
    }
    this.touched.set(s.id, now);
    return { kind: 'user', role: s.role, userId: s.user_id, username: s.username, displayName: s.display_name, sessionId: s.id, counterId: s.counter_id };
  }

  /** counters with a signed-in operator whose session is not idle-expired */
  async activeCounterIds(): Promise<string[]> {
    const since = new Date(this.now() - this.opts.sessionIdleMinutes * 60_000).toISOString();
    const rows = await this.db.all<{ counter_id: string }>(
      'SELECT DISTINCT counter_id FROM sessions WHERE ended_at IS NULL AND counter_id IS NOT NULL AND last_seen_at > ?', [since]);
    return rows.map((r) => r.counter_id);
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
