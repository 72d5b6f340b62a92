/**
 * First start on an empty data folder: the office's services and counters (from configuration or
 * the SOP defaults) and, in demo mode, a kiosk, a display, a supervisor and an operator with
 * credentials printed once so a newcomer can sign in. Credentials are stored only as hashes, so
 * they are kept in a 0600 file in the data folder for later demo starts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import type { Database } from './store/db.ts';
import type { AuthService } from './auth/auth-service.ts';
import type { HubConfig } from './config.ts';
import { DEFAULT_COUNTERS, DEFAULT_SERVICES } from './domain/index.ts';

export interface DemoCredentials {
  kioskToken: string;
  displayToken: string;
  operator: { username: string; pin: string };
  supervisor: { username: string; pin: string };
}

export async function seedOffice(db: Database, config: HubConfig): Promise<void> {
  const have = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM services');
  if ((have?.n ?? 0) > 0) return;
  const services = config.services ?? DEFAULT_SERVICES;
  const counters = config.counters ?? DEFAULT_COUNTERS;
  await db.transaction(async (q) => {
    for (const [i, s] of services.entries()) {
      await q.run('INSERT INTO services (code, prefix, name_id, name_en, standard_minutes, requirements_json, sort) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [s.code, s.prefix, s.nameId, s.nameEn, s.standardMinutes, JSON.stringify(s.requirements), i]);
    }
    for (const [i, c] of counters.entries()) {
      await q.run('INSERT INTO counters (id, name, service_codes_json, sort) VALUES (?, ?, ?, ?)', [c.id, c.name, JSON.stringify(c.serviceCodes), i]);
    }
  });
}

const pin = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

export async function seedDemo(db: Database, auth: AuthService, dataDir: string): Promise<DemoCredentials> {
  const file = join(dataDir, 'demo-credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
  const users = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users');
  if ((users?.n ?? 0) > 0) throw new Error(`users exist but ${file} is missing; demo credentials cannot be shown again`);
  const kiosk = await auth.registerDevice('kiosk', 'Kiosk 1');
  const display = await auth.registerDevice('display', 'Layar antrian ruang tunggu');
  const creds: DemoCredentials = {
    kioskToken: kiosk.token,
    displayToken: display.token,
    operator: { username: 'operator1', pin: pin() },
    supervisor: { username: 'supervisor', pin: pin() },
  };
  await auth.createUser(creds.operator.username, 'Operator Satu', 'operator', creds.operator.pin);
  await auth.createUser(creds.supervisor.username, 'Supervisor', 'supervisor', creds.supervisor.pin);
  writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return creds;
}
