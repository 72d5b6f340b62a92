/**
 * First start on an empty data folder: the office's services and counters (from configuration or
 * the SOP defaults) and, in demo mode, a kiosk, a display, a supervisor and an operator with
 * credentials printed once so a newcomer can sign in. Credentials are stored only as hashes, so
 * they are kept in a 0600 file in the data folder for later demo starts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt, randomUUID } from 'node:crypto';
import type { Database } from './store/db.ts';
import type { AuthService } from './auth/auth-service.ts';
import type { HubConfig } from './config.ts';
import { DEFAULT_COUNTERS, DEFAULT_SERVICES, maskNik } from './domain/index.ts';
import type { AtRestCipher } from './security/at-rest.ts';
import type { CardStock } from './collection/stock.ts';
import type { DemoPerson } from './demo/residents.ts';

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

/**
 * Demo mode: the test residents' cards are in stock (as if the DC had announced them ready), each
 * with its enrolment case, so the whole collection can be walked with the simulator panel. Cards
 * already in the stock table (collected or returned in an earlier run) are left as they are.
 */
export async function seedDemoStock(db: Database, cipher: AtRestCipher, stock: CardStock, people: readonly DemoPerson[], cardSerial: (p: DemoPerson) => string): Promise<void> {
  const at = new Date();
  const iso = at.toISOString();
  await db.transaction(async (q) => {
    for (const p of people) {
      const serial = cardSerial(p);
      if (await q.get('SELECT 1 FROM card_stock WHERE card_serial = ?', [serial])) continue;
      const caseId = randomUUID();
      await q.run(`INSERT INTO cases (id, kind, status, nik_enc, nik_hash, nik_masked, name_enc, created_at, updated_at, created_by)
                   VALUES (?, 'enrolment', 'card_ready', ?, ?, ?, ?, ?, ?, 'demo')`,
      [caseId, cipher.encrypt(p.nik, 'cases.nik'), cipher.lookupHash(p.nik, 'nik'), maskNik(p.nik), cipher.encrypt(p.fullName, 'cases.name'), iso, iso]);
      await q.run('INSERT INTO case_events (case_id, type, at, actor, data_json) VALUES (?, ?, ?, ?, ?)', [caseId, 'demo.card_ready', iso, 'demo', JSON.stringify({ cardSerial: serial })]);
      await stock.receive(q, { caseId, cardSerial: serial, nik: p.nik, fullName: p.fullName }, at);
    }
  });
}
