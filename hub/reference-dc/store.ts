/** The reference DC's own SQLite: hubs, records, jobs, notifications, gallery. */
import { Database } from '../store/db.ts';
import { migrate, type Migration } from '../store/migrations.ts';

export const DC_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'reference DC',
    sql: `
      CREATE TABLE hubs (hub_id TEXT PRIMARY KEY, office_name TEXT NOT NULL, public_jwk TEXT NOT NULL, registered_at TEXT NOT NULL);
      CREATE TABLE records (
        record_id TEXT PRIMARY KEY, hub_id TEXT NOT NULL, case_ref TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL,
        receipt_id TEXT NOT NULL, received_at TEXT NOT NULL, body_json TEXT NOT NULL
      );
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL UNIQUE REFERENCES records(record_id),
        due_at TEXT NOT NULL, done_at TEXT, result_json TEXT
      );
      CREATE INDEX jobs_due ON jobs (done_at, due_at);
      CREATE TABLE notifications (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, hub_id TEXT NOT NULL, type TEXT NOT NULL,
        case_ref TEXT NOT NULL, at TEXT NOT NULL, body_json TEXT NOT NULL
      );
      CREATE INDEX notifications_hub ON notifications (hub_id, seq);
      CREATE TABLE gallery (
        identity_id TEXT PRIMARY KEY, nik_masked TEXT NOT NULL, source TEXT NOT NULL, case_ref TEXT, created_at TEXT NOT NULL
      );
      CREATE TABLE gallery_templates (
        identity_id TEXT NOT NULL REFERENCES gallery(identity_id), position INTEGER NOT NULL, iso BLOB NOT NULL,
        PRIMARY KEY (identity_id, position)
      );
      CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `,
  },
  {
    version: 2,
    name: 'card production after a single result',
    sql: `
      CREATE TABLE card_jobs (
        record_id TEXT PRIMARY KEY REFERENCES records(record_id), due_at TEXT NOT NULL, done_at TEXT, card_serial TEXT NOT NULL
      );
      CREATE INDEX card_jobs_due ON card_jobs (done_at, due_at);
    `,
  },
];

export async function openDcStore(path: string): Promise<Database> {
  const db = await Database.open(path);
  await migrate(db, DC_MIGRATIONS);
  return db;
}
