import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PNG } from 'pngjs';
import {
  encodeIsdv4PenPacket, encodeIsdv4QueryReply, Isdv4Decoder, makeSignature, type PenPoint,
} from '../../devices/index.ts';

const sample = { x: 12345, y: 54321, pressure: 777, proximity: true, tip: true, side: false, eraser: false };

test('pen packet: 9 bytes, header bit 7, data bytes below 0x80, values round-trip', () => {
  const pkt = encodeIsdv4PenPacket(sample);
  assert.equal(pkt.length, 9);
  assert.ok(pkt[0]! & 0x80);
  for (const b of pkt.subarray(1)) assert.ok(b < 0x80);
  const ev = new Isdv4Decoder().push(pkt);
  assert.equal(ev, [{ ok: true, frame: { kind: 'pen', sample } }]);
});

test('query reply carries the maxima', () => {
  const caps = { maxX: 26202, maxY: 16325, maxPressure: 1023, tiltX: 0, tiltY: 0, firmware: 0x110 };
  const ev = new Isdv4Decoder().push(encodeIsdv4QueryReply(caps));
  assert.equal(ev, [{ ok: true, frame: { kind: 'query', capabilities: caps } }]);
});

test('garbage and truncated packets are refused; the next header resynchronises', () => {
  const d = new Isdv4Decoder();
  const good = encodeIsdv4PenPacket(sample);
  const ev = d.push(Uint8Array.from([1, 2, 3, ...good.subarray(0, 5), ...good, 0x98, 1, 2, 3, 4, 5, 6, 7, 8, ...good]));
  const kinds = ev.map((e) => (e.ok ? e.frame.kind : e.error.code));
  assert.equal(kinds, ['GARBAGE', 'TRUNCATED', 'pen', 'BAD_HEADER', 'pen']);
  d.push(good.subarray(0, 4));
  const end = d.end();
  assert.ok(!end[0]!.ok && end[0]!.error.code === 'TRUNCATED');
});

const line = (x0: number, y0: number, x1: number, y1: number, n = 20): PenPoint[] =>
  Array.from({ length: n }, (_, i) => ({ x: x0 + ((x1 - x0) * i) / (n - 1), y: y0 + ((y1 - y0) * i) / (n - 1), pressure: 600, tip: true, t: i }));

test('renderers: SVG has one path per stroke; PNG has the size and ink along the stroke only', () => {
  // a horizontal stroke across the middle and a vertical one on the left, in pad units
  const sig = makeSignature({ strokes: [line(1000, 5000, 9000, 5000), line(1000, 1000, 1000, 9000)], maxX: 10000, maxY: 10000, maxPressure: 1023 });
  const svg = sig.toSvg({ width: 300, height: 120 });
  assert.equal(svg.match(/<path /g)?.length, 2);
  assert.match(svg, /width="300" height="120"/);
  const png = PNG.sync.read(Buffer.from(sig.toPng({ width: 300, height: 120 })));
  assert.equal([png.width, png.height], [300, 120]);
  const grey = (x: number, y: number) => png.data[(y * png.width + x) * 4]!;
  // the bounding box 8000x8000 is fitted into 120 high: the horizontal stroke is at y = 60
  let darkOnStroke = 0, darkElsewhere = 0;
  for (let x = 0; x < 300; x++) for (let y = 0; y < 120; y++) {
    const dark = grey(x, y) < 100;
    if (Math.abs(y - 60) <= 1 && x > 100 && x < 200) { if (dark) darkOnStroke++; } else if (y < 5 || y > 115) { if (dark) darkElsewhere++; }
  }
  assert.ok(darkOnStroke > 150, `ink along the stroke (${darkOnStroke})`);
  assert.equal(darkElsewhere, 0);
  // anti-aliased: some grey levels between ink and paper
  let mid = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! > 40 && png.data[i]! < 215) mid++;
  assert.ok(mid > 0, 'edge pixels are blended');
});

test.run();
