/**
 * The counter's fingerprint scanner as the hub uses it: capture an image with live guidance, then
 * our matcher turns it into a template. The module's own templates are never used.
 */
import type { R30xScannerDriver, CaptureEvent } from '../../devices/index.ts';
import { decodeR30xImage, extractTemplate, type Template } from '../../matcher/index.ts';

export type FingerCaptureResult =
  | { ok: true; template: Template; quality: number }
  | { ok: false; code: 'SCANNER_OFFLINE' | 'SCANNER_BUSY' | 'CAPTURE_TIMEOUT' | 'CAPTURE_CANCELLED' | 'POOR_IMAGE' | 'SCANNER_ERROR'; message: string };

export class FingerprintService {
  constructor(private readonly driver: R30xScannerDriver | null) {}

  async capture(opts: { signal?: AbortSignal; timeoutMs?: number; onEvent?: (e: CaptureEvent) => void } = {}): Promise<FingerCaptureResult> {
    if (!this.driver) return { ok: false, code: 'SCANNER_OFFLINE', message: 'no fingerprint scanner is configured at this counter' };
    let r;
    try {
      r = await this.driver.capture({ timeoutMs: opts.timeoutMs ?? 30_000, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onEvent ? { onEvent: (e) => opts.onEvent!(e) } : {}) });
    } catch (e) {
      return { ok: false, code: 'SCANNER_BUSY', message: (e as Error).message };
    }
    if (!r.ok) {
      const code = r.code === 'TIMEOUT' ? 'CAPTURE_TIMEOUT' : r.code === 'CANCELLED' ? 'CAPTURE_CANCELLED' : r.code === 'OFFLINE' ? 'SCANNER_OFFLINE'
        : r.code === 'POOR_IMAGE' ? 'POOR_IMAGE' : 'SCANNER_ERROR';
      return { ok: false, code, message: r.message };
    }
    try {
      const { template, quality } = extractTemplate(decodeR30xImage(r.image));
      return { ok: true, template, quality };
    } catch (e) {
      return { ok: false, code: 'SCANNER_ERROR', message: `the scanner image could not be read: ${(e as Error).message}` };
    }
  }
}
