/**
 * Isdv4PadDriver: a Wacom ISDV4 serial signature pad.
 *
 * Options (Isdv4PadDriverOptions):
 *   transport       TransportFactory (openSerialDevice(), or a memory pair's driver end)
 *   name            for messages and status (default 'signature-pad')
 *   queryTimeoutMs  wait for the query reply at each (re)connection (default 1500)
 *   reconnect       BackoffOptions
 *
 * start() (from the base) connects; at each connection: stop ('0') then query ('*') for the maxima.
 * startCapture() clears the signature and sends '1'; pen samples then arrive as 'point' events
 * ({ x, y, pressure, tip, t }); strokes are the runs of samples with the tip down. stopCapture()
 * sends '0'. finish() stops and returns the signature with
 * SVG/PNG renderers, or EMPTY_SIGNATURE when nothing was drawn. Bad packets are skipped and counted
 * ('protocolError' events); they do not end the capture.
 */
import type { BackoffOptions } from '../core/backoff.ts';
import { SerialDeviceDriver, type DriverEvents } from '../core/driver.ts';
import { DeviceProtocolError } from '../core/errors.ts';
import { FrameInbox } from '../core/inbox.ts';
import type { TransportFactory } from '../core/transport.ts';
import { ISDV4_COMMAND, Isdv4Decoder, type Isdv4Error, type PadCapabilities } from './isdv4-codec.ts';
import { makeSignature, type PenPoint, type Signature, type Stroke } from './signature.ts';

export interface Isdv4PadDriverOptions {
  transport: TransportFactory;
  name?: string;
  queryTimeoutMs?: number;
  reconnect?: BackoffOptions;
}

export interface PadEvents extends DriverEvents {
  point: [PenPoint];
  strokeEnd: [number];
  protocolError: [Isdv4Error];
}

export type FinishResult = { ok: true; signature: Signature } | { ok: false; code: 'EMPTY_SIGNATURE' | 'PAD_OFFLINE'; message: string };

export class Isdv4PadDriver extends SerialDeviceDriver<PadEvents> {
  private readonly decoder = new Isdv4Decoder();
  private readonly queries = new FrameInbox<PadCapabilities, Isdv4Error>(4);
  private readonly queryTimeoutMs: number;
  private caps: PadCapabilities | undefined;
  private strokes: Stroke[] = [];
  private current: Stroke | undefined;
  private startedAt = Date.now();
  private capturing = false;
  private errors = 0;

  constructor(options: Isdv4PadDriverOptions) {
    super({ name: options.name ?? 'signature-pad', transport: options.transport, reconnect: options.reconnect });
    this.queryTimeoutMs = options.queryTimeoutMs ?? 1500;
    this.handshakeTimeoutMs = this.queryTimeoutMs + 500;
  }

  get capabilities(): PadCapabilities | undefined {
    return this.caps;
  }

  /** packets refused since the last start() */
  get errorCount(): number {
    return this.errors;
  }

  protected override async onConnected(signal: AbortSignal): Promise<void> {
    this.decoder.end();
    this.queries.clear();
    await this.write(Uint8Array.of(ISDV4_COMMAND.STOP, ISDV4_COMMAND.QUERY));
    const wait = AbortSignal.any([signal, AbortSignal.timeout(this.queryTimeoutMs)]);
    const item = await this.queries.next(wait).catch(() => undefined);
    if (!item) throw new DeviceProtocolError(`no query reply within ${this.queryTimeoutMs} ms`);
    if (!item.ok) throw new DeviceProtocolError(item.error.message);
    this.caps = item.frame;
    // A reconnection during a signature resumes the stream; the strokes so far are kept.
    if (this.capturing) await this.write(Uint8Array.of(ISDV4_COMMAND.START));
  }

  protected onBytes(bytes: Uint8Array): void {
    for (const ev of this.decoder.push(bytes)) {
      if (!ev.ok) {
        this.errors++;
        this.emit('protocolError', ev.error);
        continue;
      }
      const f = ev.frame;
      if (f.kind === 'query') { this.queries.push({ ok: true, frame: f.capabilities }); continue; }
      if (!this.capturing) continue;
      const s = f.sample;
      const point: PenPoint = { x: s.x, y: s.y, pressure: s.pressure, tip: s.tip && s.proximity, t: Date.now() - this.startedAt };
      if (point.tip) {
        if (!this.current) { this.current = []; this.strokes.push(this.current); }
        this.current.push(point);
      } else if (this.current) {
        this.current = undefined;
        this.emit('strokeEnd', this.strokes.length);
      }
      this.emit('point', point);
    }
  }

  /** clears the signature and starts the pen stream (resumed by itself after a reconnection) */
  async startCapture(): Promise<void> {
    this.clear();
    this.capturing = true;
    if (this.isReady) await this.write(Uint8Array.of(ISDV4_COMMAND.START));
  }

  /** stops the pen stream; the strokes are kept */
  async stopCapture(): Promise<void> {
    this.capturing = false;
    this.current = undefined;
    if (this.isReady) await this.write(Uint8Array.of(ISDV4_COMMAND.STOP));
  }

  clear(): void {
    this.strokes = [];
    this.current = undefined;
    this.startedAt = Date.now();
    this.errors = 0;
  }

  /** stops and hands over the signature */
  async finish(): Promise<FinishResult> {
    await this.stopCapture().catch(() => undefined);
    const strokes = this.strokes.filter((s) => s.length > 0);
    if (strokes.length === 0) return { ok: false, code: 'EMPTY_SIGNATURE', message: 'nothing was signed on the pad' };
    const caps = this.caps;
    return {
      ok: true,
      signature: makeSignature({ strokes, maxX: caps?.maxX ?? 0xffff, maxY: caps?.maxY ?? 0xffff, maxPressure: caps?.maxPressure ?? 1023 }),
    };
  }
}
