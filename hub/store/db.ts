/**
 * One SQLite file through the `sqlite3` package. Every statement goes through a single queue, so a
 * transaction (BEGIN IMMEDIATE ... COMMIT) never interleaves with another caller's statements on
 * the shared connection; that is also what makes "call next" safe when two operators press at once.
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

  private constructor(private readonly raw: sqlite3.Database, public readonly path: string) {}

  static async open(path: string): Promise<Database> {
    const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(path, (err) => (err ? reject(err) : resolve(d)));
    });
    const db = new Database(raw, path);
    // WAL: readers never block the writer; synchronous=NORMAL is durable across process crashes
    // in WAL mode (only an OS crash can lose the last commits), FULL for the strict case.
    await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    return db;
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
  private rawGet<T>(sql: string, params: Param[] = []) {
    return new Promise<T | undefined>((resolve, reject) => {
      this.raw.get(sql, params, (err: Error | null, row: T | undefined) => (err ? reject(err) : resolve(row)));
    });
  }
  private rawAll<T>(sql: string, params: Param[] = []) {
    return new Promise<T[]>((resolve, reject) => {
      this.raw.all(sql, params, (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
    });
  }
  private rawExec(sql: string) {
    return new Promise<void>((resolve, reject) => this.raw.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  private readonly direct: Queryable = {
    run: (s, p) => this.rawRun(s, p),
    get: <T>(s: string, p?: Param[]) => this.rawGet<T>(s, p),
    all: <T>(s: string, p?: Param[]) => this.rawAll<T>(s, p),
    exec: (s) => this.rawExec(s),
  };

  run(sql: string, params?: Param[]) { return this.enqueue(() => this.rawRun(sql, params)); }
  get<T = Row>(sql: string, params?: Param[]) { return this.enqueue(() => this.rawGet<T>(sql, params)); }
  all<T = Row>(sql: string, params?: Param[]) { return this.enqueue(() => this.rawAll<T>(sql, params)); }
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
    await new Promise<void>((resolve, reject) => this.raw.close((err) => (err ? reject(err) : resolve())));
  }
}
