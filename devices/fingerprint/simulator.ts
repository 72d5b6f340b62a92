/**
 * R30xScannerSimulator: the module's end. A finger is put on with placeFinger(image) (a packed
 * 256x288 4-bit image, e.g. from tiffToScannerImage) and taken off with liftFinger().
 * Serves VfyPwd, ReadSysPara, GenImg, UpImage, TemplateNum; other instructions get "packet error".
 *
 * Options (R30xScannerSimulatorOptions): transport, name, unplug, reconnect (as every simulator),
 *   address (FFFFFFFF), password (0), packetSize (128), autoLift (lift the finger right after an
 *   image upload, as a person does at the beep; default false), lineRateBaud (pace the image data
 *   as a UART at this speed would; default 0 = as fast as the channel goes).
 * Misbehaviour: slowMs; poorImages(n) (GenImg answers 06/07 n times with a finger on);
 *   corruptNextUpload() (one data packet mid-image gets a wrong checksum);
 *   disconnectDuringNextUpload() (pulls the plug halfway through the data packets).
 */
import { sleep } from '../core/abort.ts';
import type { BackoffOptions } from '../core/backoff.ts';
import { SerialDeviceSimulator, type SimulatorEvents } from '../core/simulator.ts';
import type { TransportFactory } from '../core/transport.ts';
import { SCANNER_IMAGE_BYTES } from './image.ts';
import {
  ackPacket, DEFAULT_ADDRESS, encodePacket, encodeSystemParameters, INSTRUCTION, PID, R30xDecoder, type R30xError,
} from './r30x-codec.ts';

export interface R30xScannerSimulatorOptions {
  transport: TransportFactory;
  name?: string;
  unplug?: () => void | Promise<void>;
  reconnect?: BackoffOptions;
  address?: number;
  password?: number;
  packetSize?: 32 | 64 | 128 | 256;
  autoLift?: boolean;
  lineRateBaud?: number;
}

interface ScannerSimEvents extends SimulatorEvents {
  instruction: [number];
  uploaded: [];
  protocolError: [R30xError];
}

export class R30xScannerSimulator extends SerialDeviceSimulator<ScannerSimEvents> {
  private readonly decoder: R30xDecoder;
  private readonly address: number;
  private readonly password: number;
  private readonly packetSize: number;
  private readonly lineRateBaud: number;
  autoLift: boolean;
  private finger: Uint8Array | undefined;
  private captured: Uint8Array | undefined;
  private poorLeft = 0;
  private corruptNext = false;
  private disconnectNext = false;

  constructor(options: R30xScannerSimulatorOptions) {
    super({ name: options.name ?? 'fingerprint-sim', transport: options.transport, unplug: options.unplug, reconnect: options.reconnect });
    this.address = options.address ?? DEFAULT_ADDRESS;
    this.password = options.password ?? 0;
    this.packetSize = options.packetSize ?? 128;
    this.autoLift = options.autoLift ?? false;
    this.lineRateBaud = options.lineRateBaud ?? 0;
    this.decoder = new R30xDecoder(this.address);
  }

  placeFinger(image: Uint8Array): void {
    if (image.length !== SCANNER_IMAGE_BYTES) throw new RangeError(`a scanner image is ${SCANNER_IMAGE_BYTES} bytes, got ${image.length}`);
    this.finger = new Uint8Array(image);
  }

  liftFinger(): void {
    this.finger = undefined;
  }

  get fingerPresent(): boolean {
    return this.finger !== undefined;
  }

  poorImages(n: number): void { this.poorLeft = n; }
  corruptNextUpload(): void { this.corruptNext = true; }
  disconnectDuringNextUpload(): void { this.disconnectNext = true; }

  protected override onConnection(up: boolean): void {
    if (!up) this.decoder.end();
  }

  protected onBytes(bytes: Uint8Array): void {
    for (const ev of this.decoder.push(bytes)) {
      if (!ev.ok) {
        this.emit('protocolError', ev.error);
        void this.send(ackPacket(0x01, [], this.address));
        continue;
      }
      if (ev.packet.pid !== PID.COMMAND || ev.packet.payload.length === 0) {
        void this.send(ackPacket(0x01, [], this.address));
        continue;
      }
      this.handle(ev.packet.payload[0]!, ev.packet.payload.subarray(1));
    }
  }

  private ack(code: number, data: number[] | Uint8Array = []): void {
    void this.send(ackPacket(code, data, this.address));
  }

  private handle(instruction: number, params: Uint8Array): void {
    this.emit('instruction', instruction);
    switch (instruction) {
      case INSTRUCTION.VfyPwd: {
        if (params.length !== 4) { this.ack(0x01); return; }
        const pw = ((params[0]! << 24) | (params[1]! << 16) | (params[2]! << 8) | params[3]!) >>> 0;
        this.ack(pw === this.password >>> 0 ? 0x00 : 0x13);
        return;
      }
      case INSTRUCTION.ReadSysPara:
        this.ack(0x00, encodeSystemParameters({
          statusRegister: 0, systemId: 0, librarySize: 300, securityLevel: 3,
          address: this.address, packetSize: this.packetSize, baudRate: 57600,
        }));
        return;
      case INSTRUCTION.TemplateNum:
        this.ack(0x00, [0, 0]);
        return;
      case INSTRUCTION.GenImg:
        if (!this.finger) { this.ack(0x02); return; }
        if (this.poorLeft > 0) { this.ack(this.poorLeft % 2 === 0 ? 0x06 : 0x07); this.poorLeft--; return; }
        this.captured = this.finger;
        this.ack(0x00);
        return;
      case INSTRUCTION.UpImage:
        if (!this.captured) { this.ack(0x15); return; } // no valid image in the buffer
        this.ack(0x00);
        void this.upload(this.captured);
        return;
      default:
        this.ack(0x01);
    }
  }

  private async upload(image: Uint8Array): Promise<void> {
    const packets: Uint8Array[] = [];
    const count = Math.ceil(image.length / this.packetSize);
    const corruptAt = this.corruptNext ? Math.floor(count / 2) : -1;
    const cutAt = this.disconnectNext ? Math.floor(count / 2) : -1;
    this.corruptNext = false;
    this.disconnectNext = false;
    for (let k = 0; k < count; k++) {
      const payload = image.subarray(k * this.packetSize, (k + 1) * this.packetSize);
      const pkt = encodePacket({ address: this.address, pid: k === count - 1 ? PID.END_DATA : PID.DATA, payload });
      if (k === corruptAt) pkt[pkt.length - 1]! ^= 0x5a;
      packets.push(pkt);
    }
    if (cutAt >= 0) {
      await this.send(concat(packets.slice(0, cutAt)));
      await this.disconnect();
      return;
    }
    if (this.lineRateBaud > 0) {
      // 10 bits a byte on an 8N1 line
      for (const p of packets) {
        await sleep((p.length * 10 * 1000) / this.lineRateBaud);
        await this.send(p);
      }
    } else {
      await this.send(concat(packets));
    }
    this.emit('uploaded');
    if (this.autoLift) this.liftFinger();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
