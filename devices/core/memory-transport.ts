/**
 * An in-memory pair of transports: what one end writes, the other end receives (asynchronously,
 * as from a real port). `unplug()` drops both ends the way pulling a USB-serial adapter does;
 * `replug()` lets them open again. Used by `npm start` without socat, and by unit tests.
 */
import { TypedEmitter } from './events.ts';
import type { Transport, TransportEvents } from './transport.ts';

export interface MemoryTransportPair {
  /** the hub (driver) side */
  driver: MemoryTransport;
  /** the device (simulator) side */
  device: MemoryTransport;
  unplug(): void;
  replug(): void;
  readonly plugged: boolean;
}

export class MemoryTransport extends TypedEmitter<TransportEvents> implements Transport {
  peer: MemoryTransport | undefined;
  private opened = false;

  constructor(readonly description: string, private readonly state: { plugged: boolean }) {
    super();
  }

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    if (!this.state.plugged) throw new Error(`${this.description}: no such device (unplugged)`);
    if (this.opened) throw new Error(`${this.description} already opened`);
    this.opened = true;
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    this.emit('close', undefined);
  }

  /** drops the end as an I/O failure would */
  drop(reason: string): void {
    if (!this.opened) return;
    this.opened = false;
    this.emit('close', new Error(reason));
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.opened) throw new Error(`${this.description} is not open`);
    const copy = new Uint8Array(bytes);
    const peer = this.peer;
    // Like a PTY, bytes written while the other end is closed are lost for it.
    setImmediate(() => { if (peer?.opened) peer.deliver(copy); });
  }

  private deliver(bytes: Uint8Array): void {
    this.emit('data', bytes);
  }
}

export function createMemoryTransportPair(name = 'memory'): MemoryTransportPair {
  const state = { plugged: true };
  const driver = new MemoryTransport(`${name}:driver`, state);
  const device = new MemoryTransport(`${name}:device`, state);
  driver.peer = device;
  device.peer = driver;
  return {
    driver,
    device,
    get plugged() { return state.plugged; },
    unplug() {
      state.plugged = false;
      driver.drop('device unplugged');
      device.drop('device unplugged');
    },
    replug() {
      state.plugged = true;
    },
  };
}
