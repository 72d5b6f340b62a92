/**
 * Serves the built screens (dist/ui/<screen>/) from the hub's own origin. Static files carry no
 * data: every screen authenticates its API and socket calls itself.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.wav': 'audio/wav', '.ogg': 'audio/ogg', '.mp3': 'audio/mpeg', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
};

export function staticScreens(uiDir: string) {
  const root = normalize(uiDir + sep);
  return async (c: Context, screen: string, rest: string): Promise<Response> => {
    const rel = normalize(join(screen, rest || 'index.html'));
    const file = join(root, rel);
    if (!file.startsWith(root) || rel.startsWith('..')) return c.text('not found', 404);
    try {
      const s = await stat(file);
      const path = s.isDirectory() ? join(file, 'index.html') : file;
      const data = await readFile(path);
      return c.body(data, 200, {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'cache-control': extname(path) === '.html' ? 'no-cache' : 'public, max-age=300',
      });
    } catch {
      return c.text(`screen file not found: ${rel} (run npm run build)`, 404);
    }
  };
}
