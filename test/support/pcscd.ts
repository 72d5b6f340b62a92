/**
 * A real pcscd for integration tests, with Debian's vsmartcard-vpcd driver
 * (/etc/reader.conf.d/vpcd: FRIENDLYNAME "Virtual PCD", CHANNELID 0x8C7B = TCP port 35963; the
 * driver opens two slots, "Virtual PCD 00 00" on 35963 and "Virtual PCD 00 01" on 35964).
 *
 * startPcscd(): reuses a pcscd that is already up and not ours; otherwise runs `pcscd -f -e`
 * (foreground, errors only; needs root, as pcscd owns /run/pcscd) as a child process, records its
 * pid in /tmp/ktp-test-pcscd.pid, and waits until vpcd listens and PC/SC lists the reader. A pcscd
 * left behind by an earlier crashed test (pid in that file) is killed first.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { READER_QUIET_MS } from '../../devices/card/pcsc-transport.ts';

const PIDFILE = '/tmp/ktp-test-pcscd.pid';
const SYSTEM_PIDFILE = '/run/pcscd/pcscd.pid';
export const VPCD_PORT = 35963;

export interface Pcscd {
  /** PC/SC name of the vpcd reader for `slot` (0 or 1). */
  readerName(slot?: number): string;
  vpcdPort(slot?: number): number;
  /** True when this helper started pcscd (and will stop it). */
  readonly owned: boolean;
  /** Kills pcscd (ours, or the foreign one if we reused it) and waits until it is gone. */
  kill(): Promise<void>;
  /** Starts our own pcscd again and waits for the reader. */
  start(): Promise<void>;
  /** kill() then start(): the "pcscd restarted" case. */
  restart(): Promise<void>;
  /** Stops pcscd if we own it; leaves a reused one running. */
  stop(): Promise<void>;
}

export function pcscdAvailable(): boolean {
  return existsSync('/usr/sbin/pcscd') && existsSync('/usr/lib/pcsc/drivers/serial/libifdvpcd.so') && process.getuid?.() === 0;
}

/**
 * Throws, naming what is missing, unless pcscd, the vpcd driver, root and the pcsclite native
 * module are all there. pcsclite is an optional dependency: `npm ci` on a machine without
 * libpcsclite-dev skips it silently, and the driver would then wait for a reader that never comes.
 */
export function requirePcscParts(): void {
  if (!pcscdAvailable()) throw new Error('pcscd with vsmartcard-vpcd is required (apt-get install pcscd vsmartcard-vpcd), run as root');
  try {
    createRequire(import.meta.url)('pcsclite');
  } catch (e) {
    throw new Error(`the pcsclite native module does not load (install libpcsclite-dev, then run npm ci again): ${e instanceof Error ? e.message : String(e)}`);
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function isPcscd(pid: number): boolean {
  try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'pcscd'; } catch { return false; }
}

function readPid(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch { return undefined; }
}

/** Is something listening on the vpcd port? Read from /proc so that no connection is made (a connection is a card insertion). */
function vpcdListening(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A') return true;
      }
    } catch { /* no IPv6 */ }
  }
  return false;
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function killPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  try {
    await waitFor(() => !alive(pid) || !isPcscd(pid), 3000, `pcscd ${pid} to exit`);
  } catch {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    await waitFor(() => !alive(pid) || !isPcscd(pid), 2000, `pcscd ${pid} to die`);
  }
}

/**
 * Waits until PC/SC lists `name` and reports its state (a fresh pcsclite context, closed
 * afterwards). A pcsclite reader closed before its watcher thread has reported once leaves a
 * libuv handle open forever (the process would never exit), so each reader is closed only after
 * its first status, and never from inside a status callback (pcsclite holds the reader's mutex
 * there; close() would deadlock).
 */
function waitForReader(name: string, ms: number): Promise<void> {
  interface R { name: string; close(): void; on(ev: string, cb: (...a: unknown[]) => void): void; once(ev: string, cb: (...a: unknown[]) => void): void }
  const pcsc = createRequire(import.meta.url)('pcsclite') as () => { on(ev: string, cb: (x: R) => void): void; close(): void };
  return new Promise((resolve, reject) => {
    let ctx: ReturnType<typeof pcsc> | undefined;
    let done = false;
    const pending = new Set<R>();
    const reported = new Set<R>();
    const lastStatus = new Map<R, number>();
    // Closed only after a quiet spell since its last status (see READER_QUIET_MS in the
    // transport): a close() just after a status can leave the watcher's libuv handle open.
    const closeWhenQuiet = (r: R): void => {
      const wait = READER_QUIET_MS - (Date.now() - (lastStatus.get(r) ?? 0));
      if (wait > 0) { setTimeout(() => closeWhenQuiet(r), wait); return; }
      try { r.close(); } catch { /* ignore */ }
    };
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const r of reported) closeWhenQuiet(r);
      // Readers that have not reported yet are closed once they do.
      for (const r of pending) r.once('status', () => setImmediate(() => closeWhenQuiet(r)));
      try { ctx?.close(); } catch { /* ignore */ }
      if (err) reject(err); else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`reader "${name}" did not appear within ${ms} ms`)), ms);
    try {
      ctx = pcsc();
    } catch (e) {
      finish(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    // close() makes the context report "Command cancelled"; that is expected.
    ctx.on('error', () => {});
    ctx.on('reader', (r) => {
      pending.add(r);
      r.on('error', () => {});
      r.on('status', () => { lastStatus.set(r, Date.now()); });
      r.once('status', () => {
        pending.delete(r);
        // Never close from inside a status callback: pcsclite holds the reader's lock there.
        if (done) { setImmediate(() => closeWhenQuiet(r)); return; }
        reported.add(r);
        if (r.name === name) setImmediate(() => finish());
      });
    });
  });
}

export async function startPcscd(): Promise<Pcscd> {
  let child: ChildProcess | undefined;
  let owned = false;
  let log = '';

  // A pcscd we started in an earlier, crashed run.
  const stale = readPid(PIDFILE);
  if (stale !== undefined && alive(stale) && isPcscd(stale)) await killPid(stale);
  rmSync(PIDFILE, { force: true });

  const readerName = (slot = 0) => `Virtual PCD 00 0${slot}`;
  const vpcdPort = (slot = 0) => VPCD_PORT + slot;

  const start = async () => {
    log = '';
    const p = spawn('/usr/sbin/pcscd', ['-f', '-e'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = p;
    owned = true;
    p.stdout?.on('data', (d: Buffer) => { log += d; });
    p.stderr?.on('data', (d: Buffer) => { log += d; });
    writeFileSync(PIDFILE, String(p.pid));
    try {
      await waitFor(() => p.exitCode === null && vpcdListening(VPCD_PORT), 10_000, 'vpcd to listen');
    } catch {
      throw new Error(`pcscd did not start (exit ${p.exitCode}): ${log.slice(-2000)}`);
    }
    await waitForReader(readerName(0), 10_000);
  };

  const kill = async () => {
    const p = child;
    child = undefined;
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    } else {
      const foreign = readPid(SYSTEM_PIDFILE);
      if (foreign !== undefined && isPcscd(foreign)) await killPid(foreign);
    }
    rmSync(PIDFILE, { force: true });
    await waitFor(() => !vpcdListening(VPCD_PORT), 5000, 'vpcd port to close');
  };

  const foreign = readPid(SYSTEM_PIDFILE);
  if (foreign !== undefined && alive(foreign) && isPcscd(foreign) && vpcdListening(VPCD_PORT)) {
    await waitForReader(readerName(0), 10_000);
  } else {
    await start();
  }

  // A test process that dies must not leave our pcscd running.
  process.once('exit', () => { if (child && child.exitCode === null) child.kill('SIGKILL'); });

  return {
    readerName,
    vpcdPort,
    get owned() { return owned; },
    kill,
    start,
    restart: async () => { await kill(); await start(); },
    stop: async () => { if (owned) await kill(); },
  };
}
