/**
 * Wacom ISDV4 serial codec (pure), as the Linux driver wacom_w8001 reads it.
 *  - Every packet starts with a byte whose bit 7 is set; the other bytes have bit 7 clear.
 *  - Pen packet, 9 bytes. Byte 0: bit 5 proximity, bit 0 tip, bit 1 side switch, bit 2 eraser,
 *    bit 6 control (clear for pen data). X, Y 16 bits and pressure 10 bits spread over bytes 1-6.
 *  - Query reply: an 11-byte control packet (bit 6 set) carrying the maxima.
 *  - Host commands: ASCII '0' stop, '1' start, '*' query.
 * Isdv4Decoder resynchronises on the next byte with bit 7 set: bytes before a header are reported
 * as GARBAGE, a packet cut by a new header as TRUNCATED.
 */

export const ISDV4_COMMAND = { STOP: 0x30, START: 0x31, QUERY: 0x2a } as const;
export const PEN_PACKET_BYTES = 9;
export const QUERY_PACKET_BYTES = 11;

export interface PenSample {
  x: number;
  y: number;
  pressure: number;
  proximity: boolean;
  tip: boolean;
  side: boolean;
  eraser: boolean;
}

export interface PadCapabilities {
  maxX: number;
  maxY: number;
  maxPressure: number;
  tiltX: number;
  tiltY: number;
  firmware: number;
}

export type Isdv4Frame = { kind: 'pen'; sample: PenSample } | { kind: 'query'; capabilities: PadCapabilities };
export type Isdv4ErrorCode = 'GARBAGE' | 'TRUNCATED' | 'BAD_HEADER';
export interface Isdv4Error { code: Isdv4ErrorCode; message: string }
export type Isdv4Event = { ok: true; frame: Isdv4Frame } | { ok: false; error: Isdv4Error };

function coords(b: Uint8Array): { x: number; y: number; p: number } {
  return {
    x: ((b[1]! & 0x7f) << 9) | ((b[2]! & 0x7f) << 2) | ((b[6]! & 0x60) >> 5),
    y: ((b[3]! & 0x7f) << 9) | ((b[4]! & 0x7f) << 2) | ((b[6]! & 0x18) >> 3),
    p: (b[5]! & 0x7f) | ((b[6]! & 0x07) << 7),
  };
}

function putCoords(out: Uint8Array, x: number, y: number, p: number): void {
  if (x < 0 || x > 0xffff || y < 0 || y > 0xffff || p < 0 || p > 0x3ff) throw new RangeError(`pen values out of range: ${x},${y},${p}`);
  out[1] = (x >> 9) & 0x7f;
  out[2] = (x >> 2) & 0x7f;
  out[3] = (y >> 9) & 0x7f;
  out[4] = (y >> 2) & 0x7f;
  out[5] = p & 0x7f;
  out[6] = ((x & 3) << 5) | ((y & 3) << 3) | ((p >> 7) & 7);
}

export function encodePenPacket(s: PenSample): Uint8Array {
  const out = new Uint8Array(PEN_PACKET_BYTES);
  out[0] = 0x80 | (s.proximity ? 0x20 : 0) | (s.eraser ? 0x04 : 0) | (s.side ? 0x02 : 0) | (s.tip ? 0x01 : 0);
  putCoords(out, s.x, s.y, s.pressure);
  return out;
}

export function encodeQueryReply(c: PadCapabilities): Uint8Array {
  const out = new Uint8Array(QUERY_PACKET_BYTES);
  out[0] = 0xc0;
  putCoords(out, c.maxX, c.maxY, c.maxPressure);
  out[7] = c.tiltX & 0x7f;
  out[8] = c.tiltY & 0x7f;
  out[9] = (c.firmware >> 7) & 0x7f;
  out[10] = c.firmware & 0x7f;
  return out;
}

function decodePacket(b: Uint8Array): Isdv4Event {
  const head = b[0]!;
  const { x, y, p } = coords(b);
  if (head & 0x40) {
    if (x === 0 || y === 0) return { ok: false, error: { code: 'BAD_HEADER', message: 'query reply with a zero maximum' } };
    return {
      ok: true,
      frame: { kind: 'query', capabilities: { maxX: x, maxY: y, maxPressure: p, tiltX: b[7]!, tiltY: b[8]!, firmware: (b[9]! << 7) | b[10]! } },
    };
  }
  if (head & 0x18) return { ok: false, error: { code: 'BAD_HEADER', message: `reserved bits set in pen header ${head.toString(16)}` } };
  return {
    ok: true,
    frame: {
      kind: 'pen',
      sample: { x, y, pressure: p, proximity: (head & 0x20) !== 0, tip: (head & 0x01) !== 0, side: (head & 0x02) !== 0, eraser: (head & 0x04) !== 0 },
    },
  };
}

export class Isdv4Decoder {
  private packet: number[] = [];
  private garbage = 0;

  push(bytes: Uint8Array): Isdv4Event[] {
    const out: Isdv4Event[] = [];
    for (const byte of bytes) {
      if (byte & 0x80) {
        if (this.packet.length > 0) {
          out.push({ ok: false, error: { code: 'TRUNCATED', message: `packet cut after ${this.packet.length} bytes by a new header` } });
        }
        this.flushGarbage(out);
        this.packet = [byte];
      } else if (this.packet.length === 0) {
        this.garbage++;
        continue;
      } else {
        this.packet.push(byte);
      }
      const want = this.packet[0]! & 0x40 ? QUERY_PACKET_BYTES : PEN_PACKET_BYTES;
      if (this.packet.length === want) {
        out.push(decodePacket(Uint8Array.from(this.packet)));
        this.packet = [];
      }
    }
    this.flushGarbage(out);
    return out;
  }

  private flushGarbage(out: Isdv4Event[]): void {
    if (this.garbage === 0) return;
    out.push({ ok: false, error: { code: 'GARBAGE', message: `skipped ${this.garbage} bytes outside a packet` } });
    this.garbage = 0;
  }

  /** the stream stopped: a started packet is reported as truncated */
  end(): Isdv4Event[] {
    const out: Isdv4Event[] = [];
    if (this.packet.length > 0) out.push({ ok: false, error: { code: 'TRUNCATED', message: `stream ended ${this.packet.length} bytes into a packet` } });
    this.packet = [];
    this.garbage = 0;
    return out;
  }
}
