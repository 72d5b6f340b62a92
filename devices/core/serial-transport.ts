/**
 * SerialTransport: a serial port (USB-serial adapter, or a PTY made by socat) through `serialport`.
 * Options: { path, baudRate } (8N1, no flow control, as the R30x, ISDV4 and ESC/POS devices use).
 */
import { realpath } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import { TypedEmitter } from './events.ts';
import type { Transport, TransportEvents } from './transport.ts';

export interface SerialTransportOptions {
  path: string;
  baudRate: number;
  /** how often to check that the path still leads to the device we opened (default 500 ms) */
  watchMs?: number;
}

export class SerialTransport extends TypedEmitter<TransportEvents> implements Transport {
  readonly description: string;
  private port: SerialPort | undefined;
  private closedEmitted = false;
  private watch: NodeJS.Timeout | undefined;
  private vanished: Error | undefined;

  constructor(private readonly options: SerialTransportOptions) {
    super();
    this.description = options.path;
  }

  get isOpen(): boolean {
    return this.port?.isOpen ?? false;
  }

  open(): Promise<void> {
    if (this.port) return Promise.reject(new Error(`${this.description} already opened`));
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate, autoOpen: false });
    this.port = port;
    this.closedEmitted = false;
    this.vanished = undefined;
    return new Promise<void>((resolve, reject) => {
      port.open((err) => {
        if (err) {
          this.port = undefined;
          reject(err);
          return;
        }
        port.on('data', (chunk: Buffer) => this.emit('data', new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
        // serialport emits 'close' (sometimes twice) with {disconnected: true} when the device goes;
        // errors of reads/writes end in that close too.
        port.on('close', (e?: Error) => this.finish(e));
        port.on('error', (e: Error) => { if (!port.isOpen) this.finish(e); });
        void this.startWatch(port);
        resolve();
      });
    });
  }

  /**
   * The read loop does not always notice a vanished PTY/USB device (no read pending at that
   * moment), so the path is checked too: gone, or now leading to another device node, means the
   * device we opened has been unplugged.
   */
  private async startWatch(port: SerialPort): Promise<void> {
    const path = this.options.path;
    let target: string;
    try {
      target = await realpath(path);
    } catch {
      return;
    }
    const timer = setInterval(() => {
      realpath(path).then(
        (now) => { if (now !== target) this.vanish(port, 'device path now leads elsewhere'); },
        () => this.vanish(port, 'device path is gone'),
      );
    }, this.options.watchMs ?? 500);
    timer.unref();
    if (this.port !== port || this.closedEmitted) { clearInterval(timer); return; }
    this.watch = timer;
  }

  private vanish(port: SerialPort, why: string): void {
    if (this.port !== port) return;
    const err = new Error(why);
    this.vanished = err;
    if (port.isOpen) port.close(() => this.finish(err));
    else this.finish(err);
  }

  private finish(err: Error | undefined): void {
    if (this.closedEmitted) return;
    this.closedEmitted = true;
    if (this.watch) clearInterval(this.watch);
    this.watch = undefined;
    err ??= this.vanished;
    this.port = undefined;
    this.emit('close', err);
  }

  close(): Promise<void> {
    const port = this.port;
    if (!port) return Promise.resolve();
    return new Promise<void>((resolve) => {
      if (!port.isOpen) { this.finish(undefined); resolve(); return; }
      port.close(() => { this.finish(undefined); resolve(); });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port || !port.isOpen) return Promise.reject(new Error(`${this.description} is not open`));
    return new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (err) => {
        if (err) { reject(err); return; }
        port.drain((e) => (e ? reject(e) : resolve()));
      });
    });
  }
}
