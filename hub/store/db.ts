/**
 * One SQLite file through the `sqlite3` package. Every write goes through a single queue, so a
 * transaction (BEGIN IMMEDIATE ... COMMIT) never interleaves with another caller's statements on
 * the shared connection; that is also what makes "call next" safe when two operators press at once.
 *
 * Plain SELECTs outside a transaction run on a second, reading connection (WAL lets it read while
 * the writer writes). A read still waits for every write queued before it, so it sees them; it just
 * no longer holds up the writes queued after it. Each statement costs a trip through the thread
 * pool and back to the event loop, and with every request's sign-in check in the one queue a
 * kiosk's ticket waited behind other callers' reads before it could commit and reach the displays.
 */
import sqlite3 from 'sqlite3';

export type Row = Record<string, unknown>;
export type Param = string | number | bigint | Buffer | Uint8Array | null;

export interface Queryable {
  run(sql: string, params?: Param[]): Promise<{ changes: number; lastID: number }>;
  get<T = Row>(sql: string, params?: Param[]): Promise<T | undefined>;
  all<T = Row>(sql: string, params?: Param[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

export class Database implements Queryable {
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private readonly raw: sqlite3.Database, public readonly path: string, private readonly reader: sqlite3.Database | null) {}

  static async open(path: string): Promise<Database> {
    const connect = () => new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(path, (err) => (err ? reject(err) : resolve(d)));
    });
    const raw = await connect();
    // WAL: readers never block the writer; synchronous=NORMAL is durable across process crashes
    // in WAL mode (only an OS crash can lose the last commits), FULL for the strict case.
    await execOn(raw, 'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    // an in-memory or temporary database is private to its connection: no second one then
    let reader: sqlite3.Database | null = null;
    if (path !== '' && path !== ':memory:' && !path.startsWith('file::memory:')) {
      reader = await connect();
      await execOn(reader, 'PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;');
    }
    return new Database(raw, path, reader);
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private rawRun(sql: string, params: Param[] = []) {
    return new Promise<{ changes: number; lastID: number }>((resolve, reject) => {
      this.raw.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err); else resolve({ changes: this.changes, lastID: this.lastID });
      });
    });
  }
  private rawGet<T>(sql: string, params: Param[] = [], conn = this.raw) {
    return new Promise<T | undefined>((resolve, reject) => {
      conn.get(sql, params, (err: Error | null, row: T | undefined) => (err ? reject(err) : resolve(row)));
    });
  }
  private rawAll<T>(sql: string, params: Param[] = [], conn = this.raw) {
    return new Promise<T[]>((resolve, reject) => {
      conn.all(sql, params, (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
    });
  }
  private rawExec(sql: string) {
    return execOn(this.raw, sql);
  }

  /** A plain SELECT on the reading connection, once the writes queued before it are done. */
  private read<T>(sql: string, fn: (conn: sqlite3.Database) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    const reader = this.reader;
    if (!reader || !READ_ONLY.test(sql)) return this.enqueue(() => fn(this.raw));
    return this.chain.then(() => fn(reader));
  }

  private readonly direct: Queryable = {
    run: (s, p) => this.rawRun(s, p),
    get: <T>(s: string, p?: Param[]) => this.rawGet<T>(s, p),
    all: <T>(s: string, p?: Param[]) => this.rawAll<T>(s, p),
    exec: (s) => this.rawExec(s),
  };

  run(sql: string, params?: Param[]) { return this.enqueue(() => this.rawRun(sql, params)); }
  get<T = Row>(sql: string, params?: Param[]) { return this.read(sql, (conn) => this.rawGet<T>(sql, params, conn)); }
  all<T = Row>(sql: string, params?: Param[]) { return this.read(sql, (conn) => this.rawAll<T>(sql, params, conn)); }
  exec(sql: string) { return this.enqueue(() => this.rawExec(sql)); }

  /**
   * Runs fn inside one write transaction. fn must use the Queryable it is given (not this object:
   * that would wait behind the transaction itself). On any error the transaction rolls back and
   * the error is rethrown, so nothing half-written stays behind.
   */
  transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      await this.rawExec('BEGIN IMMEDIATE');
      try {
        const out = await fn(this.direct);
        await this.rawExec('COMMIT');
        return out;
      } catch (e) {
        await this.rawExec('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.enqueue(() => Promise.resolve());
    this.closed = true;
    // reads in flight finish before the connections close (sqlite3 closes after pending statements)
    const shut = (d: sqlite3.Database) => new Promise<void>((resolve, reject) => d.close((err) => (err ? reject(err) : resolve())));
    if (this.reader) await shut(this.reader);
    await shut(this.raw);
  }
}

/** Statements that can only read: the rest (writes, PRAGMAs, RETURNING) stay on the writer. */
const READ_ONLY = /^\s*SELECT\b/i;

function execOn(conn: sqlite3.Database, sql: string): Promise<void> {
  return new Promise<void>((resolve, reject) => conn.exec(sql, (err) => (err ? reject(err) : resolve())));
}
