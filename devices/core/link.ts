/**
 * ReconnectingLink keeps one transport open: when the device disappears (port closed, path gone)
 * it retries with exponential backoff until the device is back, without anyone recreating it.
 * Drivers and simulators both sit on a link, so either side survives an unplug/replug.
 */
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { errorMessage } from './errors.ts';
import { TypedEmitter } from './events.ts';
import type { Transport, TransportFactory } from './transport.ts';

export interface LinkEvents {
  up: [];
  down: [string];
  data: [Uint8Array];
}

export class ReconnectingLink extends TypedEmitter<LinkEvents> {
  private transport: Transport | undefined;
  private running = false;
  private connecting = false;
  private wake: (() => void) | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private lastProblem = 'not connected yet';

  constructor(
    private readonly factory: TransportFactory,
    private readonly backoff: BackoffOptions = {},
  ) {
    super();
  }

  get isUp(): boolean {
    return this.transport?.isOpen ?? false;
  }

  /** why the link is down (last open error or close reason) */
  get problem(): string {
    return this.lastProblem;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connectLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wake?.();
    const t = this.transport;
    this.transport = undefined;
    if (t) await t.close();
  }

  async write(bytes: Uint8Array): Promise<void> {
    const t = this.transport;
    if (!t || !t.isOpen) throw new Error(`not connected (${this.lastProblem})`);
    await t.write(bytes);
  }

  /** ends the current connection (as a fault would) so that the link reconnects */
  async bounce(): Promise<void> {
    await this.transport?.close();
  }

  private async connectLoop(): Promise<void> {
    if (this.connecting) return;
    this.connecting = true;
    let attempt = 0;
    try {
      while (this.running) {
        const t = this.factory();
        try {
          await t.open();
        } catch (err) {
          this.lastProblem = errorMessage(err);
          await this.pause(backoffDelay(attempt++, this.backoff));
          continue;
        }
        if (!this.running) { await t.close(); return; }
        this.attach(t);
        return;
      }
    } finally {
      this.connecting = false;
    }
  }

  private attach(t: Transport): void {
    this.transport = t;
    const offData = t.on('data', (b) => this.emit('data', b));
    const offClose = t.on('close', (err) => {
      offData();
      offClose();
      if (this.transport === t) this.transport = undefined;
      this.lastProblem = err ? `disconnected: ${errorMessage(err)}` : 'closed';
      this.emit('down', this.lastProblem);
      if (this.running) void this.connectLoop();
    });
    this.lastProblem = '';
    this.emit('up');
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.wakeTimer = setTimeout(resolve, ms);
    });
  }
}
