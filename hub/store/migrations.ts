/**
 * Versioned schema migrations, applied in order at start inside one transaction each. Never edit a
 * migration that has shipped: add a new one.
 */
import type { Database } from './db.ts';

export interface Migration { version: number; name: string; sql: string }

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'office, people, queue',
    sql: `
      CREATE TABLE services (
        code TEXT PRIMARY KEY, prefix TEXT NOT NULL UNIQUE, name_id TEXT NOT NULL, name_en TEXT NOT NULL,
        standard_minutes REAL NOT NULL, requirements_json TEXT NOT NULL, sort INTEGER NOT NULL
      );
      CREATE TABLE counters (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, service_codes_json TEXT NOT NULL, sort INTEGER NOT NULL
      );
      CREATE TABLE registered_devices (
        id TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('kiosk','display')), name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, revoked_at TEXT
      );
      CREATE TABLE users (
        id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('operator','supervisor')), pin_hash TEXT NOT NULL,
        created_at TEXT NOT NULL, disabled_at TEXT
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL REFERENCES users(id),
        counter_id TEXT REFERENCES counters(id), created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, ended_at TEXT
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        detail_json TEXT NOT NULL
      );
      CREATE TABLE ticket_sequences (
        day TEXT NOT NULL, service_code TEXT NOT NULL, last_number INTEGER NOT NULL,
        PRIMARY KEY (day, service_code)
      );
      CREATE TABLE tickets (
        id TEXT PRIMARY KEY, day TEXT NOT NULL, origin_service_code TEXT NOT NULL, number INTEGER NOT NULL,
        label TEXT NOT NULL, service_code TEXT NOT NULL REFERENCES services(code),
        priority TEXT NOT NULL CHECK (priority IN ('none','elderly','disabled','pregnant')),
        status TEXT NOT NULL CHECK (status IN ('waiting','called','serving','done','no_show','expired')),
        nik_enc BLOB NOT NULL, nik_hash TEXT NOT NULL, nik_masked TEXT NOT NULL,
        counter_id TEXT REFERENCES counters(id), target_counter_id TEXT REFERENCES counters(id),
        recall_count INTEGER NOT NULL DEFAULT 0, outcome TEXT, note TEXT,
        issued_at TEXT NOT NULL, called_at TEXT, started_at TEXT, finished_at TEXT,
        UNIQUE (day, origin_service_code, number)
      );
      CREATE INDEX tickets_waiting ON tickets (day, status, service_code, issued_at);
      CREATE INDEX tickets_nik ON tickets (nik_hash);
      CREATE TABLE ticket_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id TEXT NOT NULL REFERENCES tickets(id),
        type TEXT NOT NULL, at TEXT NOT NULL, counter_id TEXT, user_id TEXT, data_json TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id);
      CREATE INDEX ticket_events_counter ON ticket_events (counter_id, id);
    `,
  },
  {
    version: 2,
    name: 'cases and the DC outbox',
    sql: `
      CREATE TABLE cases (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('enrolment','collection')),
        status TEXT NOT NULL, nik_enc BLOB NOT NULL, nik_hash TEXT NOT NULL, nik_masked TEXT NOT NULL,
        name_enc BLOB, biometrics_enc BLOB, biometrics_purged_at TEXT, dc_result_json TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_by TEXT
      );
      CREATE INDEX cases_nik ON cases (nik_hash);
      CREATE TABLE case_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL REFERENCES cases(id), type TEXT NOT NULL,
        at TEXT NOT NULL, actor TEXT, data_json TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX case_events_case ON case_events (case_id);
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL UNIQUE, case_id TEXT NOT NULL REFERENCES cases(id),
        case_seq INTEGER NOT NULL, kind TEXT NOT NULL, payload_enc BLOB,
        status TEXT NOT NULL CHECK (status IN ('pending','delivered','dead')),
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT NOT NULL, last_error TEXT,
        created_at TEXT NOT NULL, delivered_at TEXT, receipt_id TEXT, purged_at TEXT,
        UNIQUE (case_id, case_seq)
      );
      CREATE INDEX outbox_pending ON outbox (status, next_attempt_at);
      CREATE TABLE dc_notifications (
        id TEXT PRIMARY KEY, seq INTEGER NOT NULL, type TEXT NOT NULL, case_id TEXT, applied_at TEXT NOT NULL
      );
      CREATE TABLE clarifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL REFERENCES cases(id), candidates_json TEXT NOT NULL,
        created_at TEXT NOT NULL, resolved_at TEXT, resolution TEXT, note TEXT, resolved_by TEXT
      );
      CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 3,
    name: 'kiosk request idempotency',
    sql: `
      CREATE TABLE ticket_requests (
        idempotency_key TEXT PRIMARY KEY, device_id TEXT NOT NULL, ticket_id TEXT NOT NULL REFERENCES tickets(id),
        request_hash TEXT NOT NULL, created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'operator fingerprints',
    sql: `
      CREATE TABLE operator_fingerprints (
        user_id TEXT PRIMARY KEY REFERENCES users(id), template_enc BLOB NOT NULL, quality INTEGER NOT NULL,
        enrolled_at TEXT NOT NULL, enrolled_by TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'card stock and collections',
    sql: `
      CREATE TABLE card_stock (
        id TEXT PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases(id), card_serial TEXT NOT NULL UNIQUE,
        nik_hash TEXT NOT NULL, nik_masked TEXT NOT NULL, name_enc BLOB NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('in_stock','collected','returned')),
        received_at TEXT NOT NULL, collected_at TEXT, returned_at TEXT, return_reason TEXT, collection_id TEXT
      );
      CREATE INDEX card_stock_nik ON card_stock (nik_hash, status);
      CREATE TABLE collections (
        id TEXT PRIMARY KEY, stock_id TEXT NOT NULL REFERENCES card_stock(id), case_id TEXT NOT NULL REFERENCES cases(id),
        day TEXT NOT NULL, kiosk_id TEXT, identified_by TEXT NOT NULL CHECK (identified_by IN ('nik','ticket','summons')),
        status TEXT NOT NULL CHECK (status IN ('in_progress','berhasil','gagal','cancelled','abandoned')),
        step TEXT NOT NULL, fingers_json TEXT NOT NULL, officer TEXT, old_ktp TEXT CHECK (old_ktp IN ('withdrawn','none')),
        signature_enc BLOB, receipt_number TEXT UNIQUE, end_reason TEXT,
        started_at TEXT NOT NULL, card_read_at TEXT, data_confirmed_at TEXT, verified_at TEXT, signed_at TEXT,
        completed_at TEXT, ended_at TEXT
      );
      CREATE UNIQUE INDEX collections_live ON collections (stock_id) WHERE status = 'in_progress';
      CREATE INDEX collections_day ON collections (day, status);
      CREATE TABLE collection_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, collection_id TEXT NOT NULL REFERENCES collections(id), type TEXT NOT NULL,
        at TEXT NOT NULL, actor TEXT, data_json TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX collection_events_collection ON collection_events (collection_id);
    `,
  },
];

export async function migrate(db: Database, migrations: Migration[] = MIGRATIONS): Promise<number> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const row = await db.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  const current = row?.v ?? 0;
  for (const m of migrations.filter((x) => x.version > current).sort((a, b) => a.version - b.version)) {
    await db.transaction(async (q) => {
      await q.exec(m.sql);
      await q.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, new Date().toISOString()]);
    });
  }
  const after = await db.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return after?.v ?? 0;
}
