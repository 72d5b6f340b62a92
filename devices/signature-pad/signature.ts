/**
 * A captured signature and its renderers (pure): strokes in pad coordinates, fitted into the
 * requested box keeping the aspect ratio, drawn as SVG paths or as a PNG (pngjs) with
 * anti-aliased, pressure-weighted lines of our own.
 */
import { PNG } from 'pngjs';

export interface PenPoint {
  x: number;
  y: number;
  pressure: number;
  tip: boolean;
  /** ms since the signature was started (cleared) */
  t: number;
}

export type Stroke = PenPoint[];

export interface SignatureData {
  strokes: Stroke[];
  maxX: number;
  maxY: number;
  maxPressure: number;
}

export interface RenderOptions {
  width: number;
  height: number;
  /** margin inside the box, in output pixels (default 6% of the smaller side) */
  padding?: number;
  /** line width in output pixels at full pressure (default height / 40, at least 1.5) */
  strokeWidth?: number;
  /** PNG only: white (default, for the card and receipt) or transparent */
  background?: 'white' | 'transparent';
}

interface Fit { scale: number; dx: number; dy: number }

function fit(sig: SignatureData, o: RenderOptions): Fit {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const s of sig.strokes) for (const p of s) {
    minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x); minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
  }
  const pad = o.padding ?? Math.round(Math.min(o.width, o.height) * 0.06);
  const w = Math.max(1, maxX - minX), h = Math.max(1, maxY - minY);
  const scale = Math.min((o.width - 2 * pad) / w, (o.height - 2 * pad) / h);
  return { scale, dx: (o.width - w * scale) / 2 - minX * scale, dy: (o.height - h * scale) / 2 - minY * scale };
}

const baseWidth = (o: RenderOptions) => o.strokeWidth ?? Math.max(1.5, o.height / 40);
const widthAt = (o: RenderOptions, sig: SignatureData, p: PenPoint) =>
  baseWidth(o) * (0.55 + 0.45 * Math.min(1, p.pressure / Math.max(1, sig.maxPressure)));

export function signatureToSvg(sig: SignatureData, o: RenderOptions): string {
  const f = fit(sig, o);
  const r = (n: number) => Math.round(n * 100) / 100;
  const paths = sig.strokes.map((s) => {
    const pts = s.map((p) => `${r(p.x * f.scale + f.dx)} ${r(p.y * f.scale + f.dy)}`);
    const d = pts.length === 1 ? `M${pts[0]} l0.01 0` : `M${pts[0]} L${pts.slice(1).join(' ')}`;
    const avgP = s.reduce((a, p) => a + p.pressure, 0) / s.length;
    const w = r(baseWidth(o) * (0.55 + 0.45 * Math.min(1, avgP / Math.max(1, sig.maxPressure))));
    return `<path d="${d}" stroke-width="${w}"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}" viewBox="0 0 ${o.width} ${o.height}">`
    + `<g fill="none" stroke="#000" stroke-linecap="round" stroke-linejoin="round">${paths.join('')}</g></svg>`;
}

/** coverage-based rendering: each pixel's ink is 1 inside the line, fading over one pixel at the edge */
export function signatureToPng(sig: SignatureData, o: RenderOptions): Uint8Array {
  const W = o.width, H = o.height;
  const ink = new Float32Array(W * H);
  const f = fit(sig, o);
  const seg = (x0: number, y0: number, w0: number, x1: number, y1: number, w1: number) => {
    const rMax = Math.max(w0, w1) / 2;
    const xa = Math.max(0, Math.floor(Math.min(x0, x1) - rMax - 1)), xb = Math.min(W - 1, Math.ceil(Math.max(x0, x1) + rMax + 1));
    const ya = Math.max(0, Math.floor(Math.min(y0, y1) - rMax - 1)), yb = Math.min(H - 1, Math.ceil(Math.max(y0, y1) + rMax + 1));
    const vx = x1 - x0, vy = y1 - y0;
    const len2 = vx * vx + vy * vy;
    for (let y = ya; y <= yb; y++) {
      for (let x = xa; x <= xb; x++) {
        const px = x + 0.5, py = y + 0.5;
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * vx + (py - y0) * vy) / len2));
        const cx = x0 + t * vx, cy = y0 + t * vy;
        const d = Math.hypot(px - cx, py - cy);
        const r = (w0 + (w1 - w0) * t) / 2;
        const cov = Math.max(0, Math.min(1, r + 0.5 - d));
        const i = y * W + x;
        if (cov > ink[i]!) ink[i] = cov;
      }
    }
  };
  for (const s of sig.strokes) {
    for (let k = 0; k < s.length; k++) {
      const a = s[k]!, b = s[Math.min(k + 1, s.length - 1)]!;
      seg(a.x * f.scale + f.dx, a.y * f.scale + f.dy, widthAt(o, sig, a), b.x * f.scale + f.dx, b.y * f.scale + f.dy, widthAt(o, sig, b));
    }
  }
  const png = new PNG({ width: W, height: H });
  const transparent = o.background === 'transparent';
  for (let i = 0; i < W * H; i++) {
    const c = ink[i]!;
    if (transparent) {
      png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = 0;
      png.data[i * 4 + 3] = Math.round(c * 255);
    } else {
      png.data[i * 4] = png.data[i * 4 + 1] = png.data[i * 4 + 2] = Math.round(255 * (1 - c));
      png.data[i * 4 + 3] = 255;
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

/** the signature with its renderers, as the driver's finish() hands it over */
export interface Signature extends SignatureData {
  pointCount: number;
  toSvg(o: RenderOptions): string;
  toPng(o: RenderOptions): Uint8Array;
}

export function makeSignature(data: SignatureData): Signature {
  return {
    ...data,
    pointCount: data.strokes.reduce((n, s) => n + s.length, 0),
    toSvg: (o) => signatureToSvg(data, o),
    toPng: (o) => signatureToPng(data, o),
  };
}
