/**
 * The hub's HTTP application: web-standard Request -> Response (Hono), so it runs on Node
 * (@hono/node-server) and, for the smoke test, on Deno.
 */
import { Hono } from 'hono';
import type { HubContext } from '../context.ts';
import { HubError } from './errors.ts';
import { requireRole, type HubEnv } from './auth-middleware.ts';
import { ROUTES, type RouteSpec } from './routes.ts';
import { staticScreens } from './static.ts';

export const SCREENS = ['kiosk', 'collection', 'operator', 'supervisor', 'display', 'sim'] as const;

export function createHttpApp(hub: HubContext, uiDir: string, extraRoutes: RouteSpec[] = []): Hono<HubEnv> {
  const app = new Hono<HubEnv>();

  app.onError((err, c) => {
    if (err instanceof HubError) {
      if (err.status === 429 && err.extra?.retryAfterSeconds) c.header('retry-after', String(err.extra.retryAfterSeconds));
      return c.json(err.toJSON(), err.status);
    }
    hub.log.error('request failed', { path: c.req.path, method: c.req.method, error: err });
    return c.json({ error: { code: 'INTERNAL', message: 'internal error; the hub logged it' } }, 500);
  });

  app.use('*', async (c, next) => {
    await next();
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
  });

  for (const r of [...ROUTES, ...extraRoutes]) {
    const handler = requireRole(hub.auth, r.roles);
    const run = async (c: Parameters<RouteSpec['handler']>[0]) => r.handler(c, hub);
    if (r.method === 'GET') app.get(r.path, handler, run); else app.post(r.path, handler, run);
  }
  app.all('/api/*', (c) => c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404));

  const serve = staticScreens(uiDir, { timeZone: hub.config.timezone });
  for (const screen of SCREENS) {
    app.get(`/${screen}`, (c) => c.redirect(`/${screen}/${new URL(c.req.url).search}`));
    app.get(`/${screen}/*`, (c) => serve(c, screen, c.req.path.slice(screen.length + 2)));
  }
  app.get('/', (c) => c.html(`<!doctype html><meta charset="utf-8"><title>${hub.config.officeName}</title>
<h1>Hub KTP-el — ${hub.config.officeName}</h1><ul>${SCREENS.map((s) => `<li><a href="/${s}/">/${s}/</a></li>`).join('')}</ul>
<p>Kiosk and display screens need their device token (?token=...) printed at start.</p>`));
  return app;
}
