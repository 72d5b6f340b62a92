/**
 * SerialDeviceDriver: what every serial driver shares.
 *  - status `online | offline | busy | error` with a detail string, and a 'status' event on change;
 *  - one operation at a time: a second caller gets DeviceBusyError at once;
 *  - per-operation time-out and cancellation through AbortSignal (typed errors);
 *  - reconnection with exponential backoff through ReconnectingLink, with an optional handshake
 *    (`onConnected`) each time the link comes up.
 * Options (DriverBaseOptions): name (for messages), transport (factory), reconnect (BackoffOptions).
 */
import { raceAbort } from './abort.ts';
import type { BackoffOptions } from './backoff.ts';
import {
  DeviceBusyError, DeviceCancelledError, DeviceClosedError, DeviceError, DeviceOfflineError,
  DeviceTimeoutError, errorMessage,
} from './errors.ts';
import { TypedEmitter } from './events.ts';
import { ReconnectingLink } from './link.ts';
import type { TransportFactory } from './transport.ts';

export type DeviceState = 'online' | 'offline' | 'busy' | 'error';

export interface DeviceStatus {
  state: DeviceState;
  detail: string;
  /** epoch ms of the last change */
  since: number;
}

export interface DriverBaseOptions {
  name: string;
  transport: TransportFactory;
  reconnect?: BackoffOptions;
}

export interface OperationOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface DriverEvents {
  status: [DeviceStatus];
}

export abstract class SerialDeviceDriver<E extends DriverEvents = DriverEvents> extends TypedEmitter<E> {
  readonly name: string;
  protected readonly link: ReconnectingLink;
  private currentStatus: DeviceStatus = { state: 'offline', detail: 'not started', since: Date.now() };
  private running: { name: string; abort: AbortController } | undefined;
  private closed = false;
  private ready = false;
  private connectGeneration = 0;

  constructor(options: DriverBaseOptions) {
    super();
    this.name = options.name;
    this.link = new ReconnectingLink(options.transport, options.reconnect);
    this.link.on('data', (bytes) => this.onBytes(bytes));
    this.link.on('up', () => void this.handleUp());
    this.link.on('down', (why) => this.handleDown(why));
  }

  get status(): DeviceStatus {
    return this.currentStatus;
  }

  /** true while the link is up and the handshake (if any) succeeded */
  get isReady(): boolean {
    return this.ready && this.link.isUp;
  }

  /** starts connecting in the background; the driver stays 'offline' until the device answers */
  start(): void {
    if (this.closed) throw new DeviceClosedError(this.name);
    this.link.start();
  }

  /** resolves true once ready, false after `timeoutMs` */
  waitReady(timeoutMs: number): Promise<boolean> {
    if (this.isReady) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { off(); resolve(false); }, timeoutMs);
      const off = (this as SerialDeviceDriver).on('status', () => {
        if (this.isReady) { clearTimeout(timer); off(); resolve(true); }
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.running?.abort.abort(new DeviceClosedError(this.name));
    await this.link.stop();
    this.setStatus('offline', 'closed');
  }

  /** bytes from the device; decoders live in subclasses */
  protected abstract onBytes(bytes: Uint8Array): void;

  /** handshake after each (re)connection; throw to mark the device 'error' */
  protected async onConnected(_signal: AbortSignal): Promise<void> {}

  /** how long the handshake may take */
  protected handshakeTimeoutMs = 2000;

  protected setStatus(state: DeviceState, detail: string): void {
    const s = this.currentStatus;
    if (s.state === state && s.detail === detail) return;
    this.currentStatus = { state, detail, since: Date.now() };
    (this as SerialDeviceDriver).emit('status', this.currentStatus);
  }

  protected async write(bytes: Uint8Array): Promise<void> {
    try {
      await this.link.write(bytes);
    } catch (err) {
      throw new DeviceOfflineError(this.name, errorMessage(err));
    }
  }

  /**
   * Runs `fn` as the only operation on the device. Rejects at once with DeviceBusyError if another
   * runs, DeviceOfflineError if not connected. The signal given to `fn` aborts on the caller's
   * signal (DeviceCancelledError), the time-out (DeviceTimeoutError) or a disconnect
   * (DeviceOfflineError); `fn` must pass it to every wait.
   */
  protected exclusive<T>(name: string, opts: OperationOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new DeviceClosedError(this.name));
    if (this.running) return Promise.reject(new DeviceBusyError(this.name, this.running.name));
    if (!this.isReady) return Promise.reject(new DeviceOfflineError(this.name, this.currentStatus.detail));
    return this.runGuarded(name, opts, fn, true);
  }

  private runGuarded<T>(name: string, opts: OperationOptions, fn: (signal: AbortSignal) => Promise<T>, showBusy: boolean): Promise<T> {
    const abort = new AbortController();
    const op = { name, abort };
    this.running = op;
    const cleanups: (() => void)[] = [];
    if (opts.timeoutMs !== undefined) {
      const ms = opts.timeoutMs;
      const t = setTimeout(() => abort.abort(new DeviceTimeoutError(`${this.name} ${name}`, ms)), ms);
      cleanups.push(() => clearTimeout(t));
    }
    const outer = opts.signal;
    if (outer) {
      const onAbort = () => abort.abort(new DeviceCancelledError(`${this.name} ${name}`));
      if (outer.aborted) onAbort();
      else {
        outer.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => outer.removeEventListener('abort', onAbort));
      }
    }
    if (showBusy) this.setStatus('busy', name);
    const done = (failure?: unknown) => {
      for (const c of cleanups) c();
      if (this.running === op) this.running = undefined;
      if (!showBusy) return;
      if (!this.link.isUp) this.setStatus('offline', this.link.problem || 'disconnected');
      else if (failure instanceof DeviceError && failure.code === 'DEVICE_PROTOCOL') this.setStatus('error', failure.message);
      else if (this.ready) this.setStatus('online', 'ready');
    };
    return raceAbort(Promise.resolve().then(() => fn(abort.signal)), abort.signal).then(
      (v) => { done(); return v; },
      (e) => { done(e); throw e; },
    );
  }

  private async handleUp(): Promise<void> {
    const gen = ++this.connectGeneration;
    this.ready = false;
    this.setStatus('offline', 'connecting');
    try {
      await this.runGuarded('handshake', { timeoutMs: this.handshakeTimeoutMs }, (s) => this.onConnected(s), false);
      if (gen !== this.connectGeneration || !this.link.isUp) return;
      this.ready = true;
      this.setStatus('online', 'ready');
    } catch (err) {
      if (gen !== this.connectGeneration || !this.link.isUp) return;
      this.setStatus('error', `handshake failed: ${errorMessage(err)}`);
      // The port is there but the device did not answer as expected (powering up, wrong speed):
      // drop the connection so the link tries again with backoff.
      setTimeout(() => { if (gen === this.connectGeneration) void this.link.bounce(); }, 500);
    }
  }

  private handleDown(why: string): void {
    this.connectGeneration++;
    this.ready = false;
    this.running?.abort.abort(new DeviceOfflineError(this.name, why));
    if (!this.closed) this.setStatus('offline', why);
  }
}
