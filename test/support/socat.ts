/**
 * A real PTY pair made by socat: the driver opens one end with serialport, the simulator the other.
 * Ending the pair (kill) is how tests "unplug" a device; starting a new one on the same link paths
 * is "replug".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** the path the driver (hub side) opens */
  driverPath: string;
  /** the path the simulator (device side) opens */
  devicePath: string;
  /** ends socat: both ends disappear, as when a USB-serial adapter is pulled */
  close(): Promise<void>;
  /** starts socat again on the same paths */
  reopen(): Promise<void>;
}

export function socatAvailable(): boolean {
  return ['/usr/bin/socat', '/bin/socat', '/usr/local/bin/socat'].some((p) => existsSync(p));
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function createPtyPair(dir = mkdtempSync(join(tmpdir(), 'pty-'))): Promise<PtyPair> {
  const driverPath = join(dir, 'driver');
  const devicePath = join(dir, 'device');
  let proc: ChildProcess | undefined;

  const start = async () => {
    proc = spawn('socat', [
      `pty,raw,echo=0,link=${driverPath}`,
      `pty,raw,echo=0,link=${devicePath}`,
    ], { stdio: 'ignore' });
    await waitFor(() => existsSync(driverPath) && existsSync(devicePath), 5000, 'socat PTY links');
  };
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
    await waitFor(() => !existsSync(driverPath) && !existsSync(devicePath), 5000, 'socat links to go');
  };
  await start();
  return { driverPath, devicePath, close: stop, reopen: start };
}
