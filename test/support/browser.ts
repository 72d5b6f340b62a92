/**
 * Headless Chromium for end-to-end tests: the Debian package's binary driven by playwright-core
 * (which downloads no browser of its own). Each launch gets a fresh profile in a mkdtemp folder,
 * removed again by close(), so no test sees another's localStorage or cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export interface TestBrowser {
  context: BrowserContext;
  /** a new tab of the given size */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** closes Chromium and deletes its profile */
  close(): Promise<void>;
}

/**
 * `timezoneId` (IANA) sets the pages' clock zone, as a PC set to another zone than the hub's would
 * (the default is this machine's).
 */
export async function launchBrowser(opts: { viewport?: { width: number; height: number }; timezoneId?: string } = {}): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'ktp-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: opts.viewport ?? { width: 1280, height: 800 },
      locale: 'id-ID',
      ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  let closed = false;
  return {
    context,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
