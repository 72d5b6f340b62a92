/**
 * Puts a VirtualCard into pcscd's virtual reader (vsmartcard vpcd): the card side connects over
 * TCP to vpcd (127.0.0.1:35963 + slot). Framing: 2-byte big-endian length, then payload.
 * One-byte payloads are controls (00 power off, 01 power on, 02 reset, 04 get ATR -> ATR reply);
 * longer payloads are command APDUs, answered with a response APDU.
 * `insert()` connects (card in the field), `remove()` closes the socket (card pulled).
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { VirtualCard } from './virtual-card.ts';

export const VPCD_BASE_PORT = 35963;

export interface VpcdCardOptions {
  host?: string;
  port?: number;
  slot?: number;
  /**
   * Stay in the reader when vpcd drops the link (pcscd restarted): keep reconnecting every
   * `retryMs` until vpcd listens again, as a card left in a physical reader would be seen again.
   */
  stayInserted?: boolean;
  retryMs?: number;
}

export class VpcdCard {
  private socket: Socket | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly host: string;
  private readonly port: number;
  private readonly stayInserted: boolean;
  private readonly retryMs: number;
  /** True from insert() until remove(), including while waiting to reconnect. */
  private wanted = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Fires when the card leaves: removed by us, by misbehaviour, or vpcd closed the link. */
  onRemoved: (() => void) | undefined;

  constructor(readonly card: VirtualCard, opts: VpcdCardOptions = {}) {
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port ?? VPCD_BASE_PORT + (opts.slot ?? 0);
    this.stayInserted = opts.stayInserted ?? false;
    this.retryMs = opts.retryMs ?? 100;
  }

  get inserted(): boolean { return this.socket !== undefined; }

  insert(): Promise<void> {
    this.wanted = true;
    return this.link();
  }

  private link(): Promise<void> {
    if (this.socket) return Promise.resolve();
    this.card.reset();
    return new Promise((resolve, reject) => {
      const s = connect({ host: this.host, port: this.port });
      s.setNoDelay(true);
      let buf: Buffer = Buffer.alloc(0);
      s.once('connect', () => { this.socket = s; resolve(); });
      s.on('error', (e) => { if (!this.socket) reject(e); });
      s.on('data', (d: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        while (buf.length >= 2) {
          const n = buf.readUInt16BE(0);
          if (buf.length < 2 + n) break;
          const msg = new Uint8Array(buf.subarray(2, 2 + n));
          buf = buf.subarray(2 + n);
          // One message at a time: a slow card must not answer out of order.
          this.queue = this.queue.then(() => this.handle(s, msg));
        }
      });
      s.on('close', () => {
        if (this.socket !== s) return;
        this.socket = undefined;
        this.onRemoved?.();
        if (this.stayInserted && this.wanted) this.retry();
      });
    });
  }

  private retry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.wanted || this.socket) return;
      this.link().catch(() => this.retry());
    }, this.retryMs);
  }

  remove(): Promise<void> {
    this.wanted = false;
    if (this.retryTimer) { clearTimeout(this.retryTimer); this.retryTimer = undefined; }
    const s = this.socket;
    if (!s) return Promise.resolve();
    this.socket = undefined;
    return new Promise((resolve) => {
      s.once('close', () => resolve());
      s.destroy();
      this.onRemoved?.();
    });
  }

  private async handle(s: Socket, msg: Uint8Array): Promise<void> {
    if (s.destroyed) return;
    if (msg.length === 1) {
      const ctl = msg[0];
      if (ctl === 0x00 || ctl === 0x01 || ctl === 0x02) { this.card.reset(); return; }
      if (ctl === 0x04) { this.send(s, this.card.atr); return; }
      return; // unknown controls get no reply, as in vpcd's own reference cards
    }
    const r = await this.card.answer(msg);
    if (r === 'removed') { await this.remove(); return; }
    this.send(s, r);
  }

  private send(s: Socket, payload: Uint8Array): void {
    if (s.destroyed) return;
    const head = Buffer.alloc(2);
    head.writeUInt16BE(payload.length, 0);
    s.write(Buffer.concat([head, payload]));
  }
}
