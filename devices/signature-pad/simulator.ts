/**
 * Isdv4PadSimulator: the pad's end. Answers '*' with its maxima, streams pen packets between '1'
 * and '0'. Strokes are replayed with drawStrokes() or fed live with pen() (the simulator panel
 * feeds mouse strokes this way).
 *
 * Options (Isdv4PadSimulatorOptions): transport, name, unplug, reconnect (as every simulator),
 *   maxX (default 26202), maxY (16325), maxPressure (1023).
 * Misbehaviour: slowMs; corruptNextPacket() (the next pen packet loses its last 3 bytes);
 *   sendGarbage(bytes); disconnect().
 */
import type { BackoffOptions } from '../core/backoff.ts';
import { SerialDeviceSimulator, type SimulatorEvents } from '../core/simulator.ts';
import type { TransportFactory } from '../core/transport.ts';
import { encodePenPacket, encodeQueryReply, ISDV4_COMMAND, type PadCapabilities } from './isdv4-codec.ts';

export interface Isdv4PadSimulatorOptions {
  transport: TransportFactory;
  name?: string;
  unplug?: () => void | Promise<void>;
  reconnect?: BackoffOptions;
  maxX?: number;
  maxY?: number;
  maxPressure?: number;
}

/** a point of a stroke to replay, in pad coordinates; pressure defaults to 60% */
export interface SimPoint { x: number; y: number; pressure?: number }

interface PadSimEvents extends SimulatorEvents {
  command: [string];
}

export class Isdv4PadSimulator extends SerialDeviceSimulator<PadSimEvents> {
  readonly capabilities: PadCapabilities;
  private streaming = false;
  private corruptNext = false;

  constructor(options: Isdv4PadSimulatorOptions) {
    super({ name: options.name ?? 'signature-pad-sim', transport: options.transport, unplug: options.unplug, reconnect: options.reconnect });
    this.capabilities = {
      maxX: options.maxX ?? 26202, maxY: options.maxY ?? 16325, maxPressure: options.maxPressure ?? 1023,
      tiltX: 0, tiltY: 0, firmware: 0x0110,
    };
  }

  get isStreaming(): boolean {
    return this.streaming && this.connected;
  }

  corruptNextPacket(): void { this.corruptNext = true; }

  sendGarbage(bytes: Uint8Array): Promise<void> { return this.send(bytes); }

  protected override onConnection(up: boolean): void {
    if (!up) this.streaming = false;
  }

  protected onBytes(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (b === ISDV4_COMMAND.STOP) { this.streaming = false; this.emit('command', 'stop'); }
      else if (b === ISDV4_COMMAND.START) { this.streaming = true; this.emit('command', 'start'); }
      else if (b === ISDV4_COMMAND.QUERY) { this.emit('command', 'query'); void this.send(encodeQueryReply(this.capabilities)); }
      // anything else is ignored, as the pad does
    }
  }

  /** one live sample; dropped unless the host started the stream */
  pen(x: number, y: number, pressure: number, tip: boolean, proximity = true): Promise<void> {
    if (!this.streaming) return Promise.resolve();
    const c = this.capabilities;
    let pkt = encodePenPacket({
      x: clamp(Math.round(x), 0, c.maxX), y: clamp(Math.round(y), 0, c.maxY), pressure: tip ? clamp(Math.round(pressure), 0, c.maxPressure) : 0,
      tip, proximity, side: false, eraser: false,
    });
    if (this.corruptNext) { this.corruptNext = false; pkt = pkt.subarray(0, pkt.length - 3); }
    return this.send(pkt);
  }

  /** replays strokes: hover in, tip down along each stroke, tip up, then out of proximity */
  async drawStrokes(strokes: SimPoint[][]): Promise<void> {
    const defaultP = Math.round(this.capabilities.maxPressure * 0.6);
    for (const stroke of strokes) {
      const first = stroke[0];
      if (!first) continue;
      await this.pen(first.x, first.y, 0, false);
      for (const p of stroke) await this.pen(p.x, p.y, p.pressure ?? defaultP, true);
      const last = stroke[stroke.length - 1]!;
      await this.pen(last.x, last.y, 0, false);
    }
    const end = strokes.at(-1)?.at(-1);
    if (end) await this.pen(end.x, end.y, 0, false, false);
  }
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
