/**
 * Serves the built screens (dist/ui/<screen>/) from the hub's own origin. Static files carry no
 * data: every screen authenticates its API and socket calls itself. Each page is told the office's
 * time zone (a `hub-time-zone` meta tag), so that the times a screen shows are the ones the hub
 * prints and keys its days by, whatever zone the PC running the browser is set to.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.wav': 'audio/wav', '.ogg': 'audio/ogg', '.mp3': 'audio/mpeg', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
};

/** The meta tag that carries the office's zone; the zone is a validated IANA name, escaped anyway. */
export function timeZoneMeta(timeZone: string): string {
  return `<meta name="hub-time-zone" content="${timeZone.replace(/[^A-Za-z0-9_+\-/]/g, '')}">`;
}

/** The page with the zone's meta tag at the end of its head (a page without a head is left as is). */
export function withTimeZone(html: string, timeZone: string): string {
  const at = html.search(/<\/head>/i);
  if (at < 0) return html;
  return html.slice(0, at) + '  ' + timeZoneMeta(timeZone) + '\n' + html.slice(at);
}

export function staticScreens(uiDir: string, opts: { timeZone: string }) {
  const root = normalize(uiDir + sep);
  return async (c: Context, screen: string, rest: string): Promise<Response> => {
    const rel = normalize(join(screen, rest || 'index.html'));
    const file = join(root, rel);
    if (!file.startsWith(root) || rel.startsWith('..')) return c.text('not found', 404);
    try {
      const s = await stat(file);
      const path = s.isDirectory() ? join(file, 'index.html') : file;
      const isHtml = extname(path) === '.html';
      const data = isHtml ? withTimeZone(await readFile(path, 'utf8'), opts.timeZone) : await readFile(path);
      return c.body(data, 200, {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'cache-control': isHtml ? 'no-cache' : 'public, max-age=300',
      });
    } catch {
      return c.text(`screen file not found: ${rel} (run npm run build)`, 404);
    }
  };
}
