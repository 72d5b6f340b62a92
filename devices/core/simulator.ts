/**
 * SerialDeviceSimulator: the device's end of the channel (a PTY path or the memory pair's device
 * end). It reconnects like a driver, so it survives unplug/replug too. Misbehaviour shared by all
 * simulators: `slowMs` (delay before each answer) and `disconnect()` (uses the `unplug` hook that
 * whoever made the channel provided: socat pair.close, or the memory pair's unplug).
 * Options (SimulatorBaseOptions): name, transport (factory), reconnect, unplug.
 */
import { sleep } from './abort.ts';
import type { BackoffOptions } from './backoff.ts';
import { TypedEmitter } from './events.ts';
import { ReconnectingLink } from './link.ts';
import type { TransportFactory } from './transport.ts';

export interface SimulatorBaseOptions {
  name: string;
  transport: TransportFactory;
  reconnect?: BackoffOptions;
  /** how this simulator can pull its own plug (for "disconnect mid-transfer") */
  unplug?: () => void | Promise<void>;
}

export interface SimulatorEvents {
  connection: [boolean];
}

export abstract class SerialDeviceSimulator<E extends SimulatorEvents = SimulatorEvents> extends TypedEmitter<E> {
  readonly name: string;
  protected readonly link: ReconnectingLink;
  /** delay in ms before each answer (misbehaviour "slow") */
  slowMs = 0;
  private sendChain: Promise<void> = Promise.resolve();
  private readonly unplugHook: (() => void | Promise<void>) | undefined;

  constructor(options: SimulatorBaseOptions) {
    super();
    this.name = options.name;
    this.unplugHook = options.unplug;
    this.link = new ReconnectingLink(options.transport, options.reconnect ?? { initialDelayMs: 50, maxDelayMs: 500 });
    this.link.on('data', (b) => this.onBytes(b));
    this.link.on('up', () => { this.onConnection(true); (this as SerialDeviceSimulator).emit('connection', true); });
    this.link.on('down', () => { this.onConnection(false); (this as SerialDeviceSimulator).emit('connection', false); });
  }

  get connected(): boolean {
    return this.link.isUp;
  }

  start(): void {
    this.link.start();
  }

  async stop(): Promise<void> {
    await this.link.stop();
  }

  /** pulls the plug through the hook given at construction */
  async disconnect(): Promise<void> {
    if (!this.unplugHook) throw new Error(`${this.name}: no unplug hook was given`);
    await this.unplugHook();
  }

  protected abstract onBytes(bytes: Uint8Array): void;

  protected onConnection(_up: boolean): void {}

  /** sends in order, after `slowMs`; a send while disconnected is dropped like on a real wire */
  protected send(bytes: Uint8Array): Promise<void> {
    const p = this.sendChain.then(async () => {
      if (this.slowMs > 0) await sleep(this.slowMs);
      if (!this.link.isUp) return;
      try {
        await this.link.write(bytes);
      } catch {
        // The wire went away while sending; the driver sees the disconnect, nothing to report here.
      }
    });
    this.sendChain = p;
    return p;
  }
}
