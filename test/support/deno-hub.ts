/**
 * Run by Deno in the smoke test: the hub's HTTP app (the same Hono app Node serves) on Deno.serve.
 * Prints one JSON line with the URL and the kiosk token, then serves until killed.
 */
import { createHub } from '../../hub/index.ts';
import { createLogger } from '../../hub/log.ts';

declare const Deno: {
  args: string[];
  serve(opts: { port: number; hostname: string; onListen(a: { port: number }): void }, handler: (r: Request) => Response | Promise<Response>): unknown;
};

const hub = await createHub({ dataDir: Deno.args[0]!, port: 0, logger: createLogger('error'), printer: { port: 'none', baudRate: 9600 }, dc: { url: 'none' } });
Deno.serve({
  port: 0, hostname: '127.0.0.1',
  onListen: ({ port }) => console.log(JSON.stringify({ url: `http://127.0.0.1:${port}`, kioskToken: hub.demo!.kioskToken })),
}, hub.app.fetch);
