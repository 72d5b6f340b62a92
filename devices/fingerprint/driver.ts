/**
 * R30xScannerDriver: an R30x / AS608 / ZFM-20 fingerprint module on a serial port. The hub takes
 * the raw image (UpImage) and matches with its own matcher; the module's templates are not used.
 *
 * Options (R30xScannerDriverOptions):
 *   transport        TransportFactory (openSerialDevice(), or a memory pair's driver end)
 *   name             for messages and status (default 'fingerprint')
 *   address          module address (default FFFFFFFF)
 *   password         verified at every (re)connection (default 0)
 *   commandTimeoutMs wait for one acknowledgement or data packet (default 2000)
 *   reconnect        BackoffOptions
 *
 * capture({ signal, timeoutMs, onEvent, maxPoorImages, pollMs, liftTimeoutMs }):
 *   GenImg until a finger is there (events place_finger, hold_still), UpImage and the data packets
 *   (36,864 bytes), then lift_finger and GenImg until the finger has gone. Poor image (06/07): event
 *   poor_image, retried up to maxPoorImages (default 3) times. Resolves to { ok: true, image } or a
 *   typed failure; rejects only with DeviceBusyError when a capture (or other operation) runs.
 */
import { sleep } from '../core/abort.ts';
import type { BackoffOptions } from '../core/backoff.ts';
import { SerialDeviceDriver } from '../core/driver.ts';
import { DeviceBusyError, DeviceError, DeviceProtocolError, errorMessage } from '../core/errors.ts';
import { FrameInbox } from '../core/inbox.ts';
import type { TransportFactory } from '../core/transport.ts';
import { SCANNER_IMAGE_BYTES } from './image.ts';
import {
  DEFAULT_ADDRESS, instructions, parseAck, parseSystemParameters, PID, R30xDecoder, type Ack, type R30xError,
  type R30xPacket, type SystemParameters,
} from './r30x-codec.ts';

export interface R30xScannerDriverOptions {
  transport: TransportFactory;
  name?: string;
  address?: number;
  password?: number;
  commandTimeoutMs?: number;
  reconnect?: BackoffOptions;
}

export type CaptureEvent = 'place_finger' | 'hold_still' | 'poor_image' | 'lift_finger';

export interface CaptureOptions {
  signal?: AbortSignal;
  /** the whole capture, lift excluded (default 30000) */
  timeoutMs?: number;
  onEvent?: (event: CaptureEvent, detail?: { attempt: number }) => void;
  maxPoorImages?: number;
  /** pause between GenImg polls (default 100) */
  pollMs?: number;
  /** wait for the finger to be lifted after the image (default 10000); the image is kept either way */
  liftTimeoutMs?: number;
}

export type CaptureFailureCode = 'TIMEOUT' | 'CANCELLED' | 'OFFLINE' | 'BAD_FRAMES' | 'POOR_IMAGE' | 'DEVICE_ERROR';

export type CaptureResult =
  | { ok: true; image: Uint8Array; fingerLifted: boolean }
  | { ok: false; code: CaptureFailureCode; message: string };

type Frame = R30xPacket;

export class R30xScannerDriver extends SerialDeviceDriver {
  private readonly decoder: R30xDecoder;
  private readonly inbox = new FrameInbox<Frame, R30xError>(1024);
  private readonly address: number;
  private readonly password: number;
  private readonly commandTimeoutMs: number;
  private params: SystemParameters | undefined;
  private lastByteAt = 0;
  /**
   * The protocol has no sequence numbers: after an operation was cut short (time-out, cancel, bad
   * frame, reconnect) a late answer could be taken for the answer to the next instruction, so the
   * next instruction first waits for the line to go quiet.
   */
  private dirty = true;

  constructor(options: R30xScannerDriverOptions) {
    super({ name: options.name ?? 'fingerprint', transport: options.transport, reconnect: options.reconnect });
    this.address = options.address ?? DEFAULT_ADDRESS;
    this.password = options.password ?? 0;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 2000;
    this.decoder = new R30xDecoder(this.address);
    this.handshakeTimeoutMs = this.commandTimeoutMs * 2;
  }

  /** the module's parameters read at the last connection */
  get systemParameters(): SystemParameters | undefined {
    return this.params;
  }

  protected onBytes(bytes: Uint8Array): void {
    this.lastByteAt = Date.now();
    for (const ev of this.decoder.push(bytes)) {
      this.inbox.push(ev.ok ? { ok: true, frame: ev.packet } : { ok: false, error: ev.error });
    }
  }

  protected override async onConnected(signal: AbortSignal): Promise<void> {
    this.decoder.end();
    this.dirty = true;
    const pw = await this.command(instructions.verifyPassword(this.password, this.address), signal);
    if (pw.code !== 0) throw new DeviceProtocolError(`password not accepted (${pw.name})`);
    const sys = await this.command(instructions.readSysPara(this.address), signal);
    if (sys.code !== 0) throw new DeviceProtocolError(`ReadSysPara failed (${sys.name})`);
    const parsed = parseSystemParameters(sys.data);
    if (!parsed.ok) throw new DeviceProtocolError(parsed.message);
    this.params = parsed.params;
  }

  /** reads the module's parameters again (a status check for the device panel) */
  readSystemParameters(opts: { signal?: AbortSignal } = {}): Promise<SystemParameters> {
    return this.exclusive('status', { signal: opts.signal, timeoutMs: this.commandTimeoutMs * 2 }, async (signal) => {
      this.dirty = true; // cheap here, and a status check often follows a failure
      const sys = await this.command(instructions.readSysPara(this.address), signal);
      const parsed = parseSystemParameters(sys.data);
      if (sys.code !== 0 || !parsed.ok) throw new DeviceProtocolError(parsed.ok ? `ReadSysPara: ${sys.name}` : parsed.message);
      this.params = parsed.params;
      return parsed.params;
    });
  }

  capture(options: CaptureOptions = {}): Promise<CaptureResult> {
    const emit = (e: CaptureEvent, detail?: { attempt: number }) => {
      try { options.onEvent?.(e, detail); } catch (err) { console.error('capture onEvent threw', err); }
    };
    let image: Uint8Array | undefined;
    const run = this.exclusive('capture', { signal: options.signal, timeoutMs: options.timeoutMs ?? 30_000 }, async (signal) => {
      image = await this.acquire(signal, emit, options);
    });
    return run.then(
      async () => {
        // The image is taken; waiting for the lift is a courtesy to the next capture and must not
        // lose the image if the person keeps the finger on.
        const lifted = await this.waitLift(options, emit).catch(() => false);
        return { ok: true as const, image: image!, fingerLifted: lifted };
      },
      async (err: unknown): Promise<CaptureResult> => {
        if (err instanceof DeviceBusyError) throw err;
        this.dirty = true;
        return failure(err);
      },
    );
  }

  private async acquire(signal: AbortSignal, emit: (e: CaptureEvent, d?: { attempt: number }) => void, o: CaptureOptions): Promise<Uint8Array> {
    const maxPoor = o.maxPoorImages ?? 3;
    const pollMs = o.pollMs ?? 100;
    let poor = 0;
    let asked = false;
    for (;;) {
      const ack = await this.command(instructions.genImg(this.address), signal);
      if (ack.code === 0x02) { // no finger yet
        if (!asked) { emit('place_finger'); asked = true; }
        await sleep(pollMs, signal);
        continue;
      }
      if (ack.code === 0x06 || ack.code === 0x07) {
        poor++;
        emit('poor_image', { attempt: poor });
        if (poor > maxPoor) throw new PoorImage(`poor image ${poor} times (${ack.name})`);
        await sleep(pollMs, signal);
        continue;
      }
      if (ack.code === 0x03) { // imaging failed: try again like a poor image
        poor++;
        emit('poor_image', { attempt: poor });
        if (poor > maxPoor) throw new PoorImage(`image failed ${poor} times`);
        continue;
      }
      if (ack.code !== 0x00) throw new ModuleError(`GenImg: ${ack.name} (${ack.code})`);
      break;
    }
    emit('hold_still');
    const up = await this.command(instructions.upImage(this.address), signal);
    if (up.code !== 0) throw new ModuleError(`UpImage: ${up.name} (${up.code})`);
    return await this.receiveImage(signal);
  }

  private async receiveImage(signal: AbortSignal): Promise<Uint8Array> {
    const image = new Uint8Array(SCANNER_IMAGE_BYTES);
    const size = this.params?.packetSize ?? 128;
    let filled = 0;
    for (;;) {
      const p = await this.nextPacket(signal, 'image data');
      if (p.pid !== PID.DATA && p.pid !== PID.END_DATA) throw new DeviceProtocolError(`unexpected packet id ${p.pid} in image data`);
      if (p.payload.length > size || (p.pid === PID.DATA && p.payload.length !== size)) {
        throw new DeviceProtocolError(`data packet of ${p.payload.length} bytes, module packet size is ${size}`);
      }
      if (filled + p.payload.length > image.length) throw new DeviceProtocolError('image data longer than 36,864 bytes');
      image.set(p.payload, filled);
      filled += p.payload.length;
      if (p.pid === PID.END_DATA) break;
    }
    if (filled !== image.length) throw new DeviceProtocolError(`image data ended at ${filled} of ${image.length} bytes`);
    return image;
  }

  private async waitLift(o: CaptureOptions, emit: (e: CaptureEvent) => void): Promise<boolean> {
    emit('lift_finger');
    const pollMs = o.pollMs ?? 100;
    try {
      return await this.exclusive('lift', { signal: o.signal, timeoutMs: o.liftTimeoutMs ?? 10_000 }, async (signal) => {
        for (;;) {
          const ack = await this.command(instructions.genImg(this.address), signal);
          if (ack.code === 0x02) return true;
          await sleep(pollMs, signal);
        }
      });
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }

  /** sends an instruction and returns its acknowledgement */
  private async command(packet: Uint8Array, signal: AbortSignal): Promise<Ack> {
    if (this.dirty) {
      await this.quiet(signal);
      this.dirty = false;
    }
    this.inbox.clear();
    await this.write(packet);
    const p = await this.nextPacket(signal, 'acknowledgement');
    const ack = parseAck(p);
    if (!ack.ok) throw new DeviceProtocolError(ack.message);
    return ack.ack;
  }

  private async nextPacket(signal: AbortSignal, what: string): Promise<R30xPacket> {
    const wait = AbortSignal.any([signal, AbortSignal.timeout(this.commandTimeoutMs)]);
    let item;
    try {
      item = await this.inbox.next(wait);
    } catch (err) {
      if (signal.aborted) throw err;
      throw new NoAnswer(`no ${what} within ${this.commandTimeoutMs} ms`);
    }
    if (!item.ok) throw new DeviceProtocolError(`bad packet in ${what}: ${item.error.code} (${item.error.message})`);
    return item.frame;
  }

  /** waits until nothing has arrived for 100 ms (at most 3 s: a module streaming an image) */
  private async quiet(signal: AbortSignal): Promise<void> {
    const until = Date.now() + 3000;
    do {
      await sleep(40, signal);
    } while (Date.now() < until && Date.now() - this.lastByteAt < 100);
    this.decoder.end();
    this.inbox.clear();
  }
}

class NoAnswer extends Error {}
class PoorImage extends Error {}
class ModuleError extends Error {}

function failure(err: unknown): CaptureResult {
  const message = errorMessage(err);
  if (err instanceof PoorImage) return { ok: false, code: 'POOR_IMAGE', message };
  if (err instanceof ModuleError) return { ok: false, code: 'DEVICE_ERROR', message };
  if (err instanceof NoAnswer) return { ok: false, code: 'OFFLINE', message: `scanner does not answer: ${message}` };
  if (err instanceof DeviceError) {
    switch (err.code) {
      case 'DEVICE_TIMEOUT': return { ok: false, code: 'TIMEOUT', message };
      case 'DEVICE_CANCELLED': return { ok: false, code: 'CANCELLED', message };
      case 'DEVICE_OFFLINE': case 'DEVICE_CLOSED': return { ok: false, code: 'OFFLINE', message };
      case 'DEVICE_PROTOCOL': return { ok: false, code: 'BAD_FRAMES', message };
      default: break;
    }
  }
  return { ok: false, code: 'DEVICE_ERROR', message };
}
