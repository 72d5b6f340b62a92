/**
 * The hub: opens the store, seeds the office, starts the devices, serves HTTP + Socket.IO on one
 * server. `startHub` is what `npm start` (hub/main.ts), the tests and the benchmarks call.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHmac } from 'node:crypto';
import { getRequestListener } from '@hono/node-server';
import { Server as IoServer } from 'socket.io';
import type { Context } from 'hono';
import { loadConfig, parseConfig, type HubConfig, type HubConfigInput } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { Database } from './store/db.ts';
import { migrate } from './store/migrations.ts';
import { districtLookup } from './store/regions.ts';
import { AtRestCipher, loadOrCreateMasterKey } from './security/at-rest.ts';
import { AuthService } from './auth/auth-service.ts';
import { QueueService } from './queue/queue-service.ts';
import { seedDemo, seedDemoStock, seedOffice, type DemoCredentials } from './seed.ts';
import { CardStock } from './collection/stock.ts';
import { CollectionService } from './collection/collection-service.ts';
import { DEMO_PEOPLE, demoCardSerial } from './demo/residents.ts';
import { createHttpApp, SCREENS } from './http/app.ts';
import { attachNamespaces } from './realtime/namespaces.ts';
import { createDeviceManager, type DeviceManager } from './devices/manager.ts';
import type { HubContext } from './context.ts';
import { OutboxStore } from './dc/outbox-store.ts';
import { CaseService } from './cases/case-service.ts';
import { DcLink } from './dc/link.ts';
import { DcHttpClient } from './dc/https-client.ts';
import { loadOrCreateHubKey } from './dc/keys.ts';
import { ConfigError } from './config.ts';
import { OperatorFingerprints } from './auth/operator-fingerprints.ts';

export { loadConfig, parseConfig, ConfigError, type HubConfig, type HubConfigInput } from './config.ts';
export { ROUTES, type RouteSpec } from './http/routes.ts';
export { NAMESPACES } from './realtime/namespaces.ts';
export { SCREENS } from './http/app.ts';
export type { DemoCredentials } from './seed.ts';
export type { HubContext } from './context.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const VERSION = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

export interface RunningHub {
  url: string;
  port: number;
  config: HubConfig;
  context: HubContext;
  /** demo credentials (demo mode only) */
  demo: DemoCredentials | null;
  devices: DeviceManager;
  /** what the ticket printer printed (demo mode with the simulated printer) */
  printer: { getPrinted(): { text: string; qr: string[] }[] };
  /** the URL of every screen, with the device token where the screen needs one */
  screens: Record<(typeof SCREENS)[number], string>;
  close(): Promise<void>;
}

export interface StartOptions extends HubConfigInput {
  logger?: Logger;
  uiDir?: string;
}

/** Where the DC is and which certificate to trust: from configuration, or the embedded reference DC. */
async function resolveDcEndpoint(config: HubConfig, dataDir: string, log: Logger,
  cleanups: (() => Promise<void> | void)[]): Promise<{ url: string; caCertPem: string } | null> {
  const dc = config.dc;
  if (dc.url === 'none') return null;
  if (dc.url === 'embedded') {
    const { startEmbeddedDc } = await import('./dc/embedded.ts');
    const ref = await startEmbeddedDc(config, join(dataDir, 'dc'), log);
    cleanups.unshift(() => ref.close());
    return { url: ref.url, caCertPem: ref.caCertPem };
  }
  if (!dc.url.startsWith('https://')) throw new ConfigError(['dc.url: the DC link must use https://']);
  if (!dc.caCertFile) throw new ConfigError(['dc.caCertFile: give the DC certificate (PEM) to trust']);
  try {
    return { url: dc.url, caCertPem: readFileSync(dc.caCertFile, 'utf8') };
  } catch (e) {
    throw new ConfigError([`dc.caCertFile: cannot read ${dc.caCertFile} (${(e as Error).message})`]);
  }
}

/** The hub without a server: its context and its web-standard HTTP app (runs on Node or Deno). */
export interface Hub {
  config: HubConfig;
  context: HubContext;
  app: ReturnType<typeof createHttpApp>;
  demo: DemoCredentials | null;
  devices: DeviceManager;
  close(): Promise<void>;
}

export async function createHub(opts: StartOptions = {}): Promise<Hub> {
  const { logger, uiDir, ...overrides } = opts;
  const config = loadConfig(process.env, overrides);
  const log = logger ?? createLogger(config.logLevel, { svc: 'hub' });
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const db = await Database.open(join(dataDir, 'hub.sqlite'));
  const cleanups: (() => Promise<void> | void)[] = [() => db.close()];
  try {
    await migrate(db);
    const master = loadOrCreateMasterKey(join(dataDir, 'keys', 'at-rest.key'), config.atRestKey);
    const cipher = new AtRestCipher(master);
    const auth = new AuthService(db, { sessionIdleMinutes: config.sessionIdleMinutes, ...config.login });
    await seedOffice(db, config);
    const demo = config.mode === 'demo' ? await seedDemo(db, auth, dataDir) : null;
    const queue = new QueueService(db, cipher, districtLookup(), config.queue, config.timezone);
    await queue.load();

    const devices = await createDeviceManager(config, log);
    cleanups.unshift(() => devices.close());

    const outbox = new OutboxStore(db, cipher);
    const stock = new CardStock(db, cipher);
    if (demo) await seedDemoStock(db, cipher, stock, DEMO_PEOPLE.filter((p) => p.kind === 'resident'), demoCardSerial);
    let dc: DcLink | null = null;
    const cases = new CaseService(db, cipher, outbox, districtLookup(), () => config.dc.hubId, undefined, () => dc?.wake(), stock);
    const endpoint = await resolveDcEndpoint(config, dataDir, log, cleanups);
    if (endpoint) {
      const link = new DcLink({
        db, outbox, cases, log: log.child({ part: 'dc-link' }),
        client: new DcHttpClient(endpoint.url, endpoint.caCertPem, config.dc.requestTimeoutMs, config.dc.concurrency * 2 + 2),
        hubKeys: await loadOrCreateHubKey(join(dataDir, 'keys', 'hub-signing.jwk')),
        hubId: config.dc.hubId, officeName: config.officeName, bootstrapToken: config.dc.bootstrapToken,
        dcKeysPath: join(dataDir, 'keys', 'dc-public.json'),
        retry: { baseMs: config.dc.retryBaseMs, maxMs: config.dc.retryMaxMs },
        concurrency: config.dc.concurrency, batchSize: config.dc.batchSize, pollIntervalMs: config.dc.pollIntervalMs,
        retentionMs: config.dc.retentionDays * 24 * 3600_000,
      });
      link.start();
      dc = link;
      cleanups.unshift(() => link.stop());
    }

    const qrKey = createHmac('sha256', master).update('ticket-qr').digest();
    const collections = new CollectionService({
      db, cipher, outbox, stock, queue, devices, regions: districtLookup(), config, qrKey, log: log.child({ part: 'collection' }),
      hubId: () => config.dc.hubId, onRecord: () => dc?.wake(), audit: (actor, action, detail) => auth.audit(actor, action, detail),
    });
    await collections.load();
    cleanups.unshift(() => collections.close());
    const context: HubContext = {
      config, version: VERSION, startedAt: Date.now(), log, db, auth, queue, cases, outbox, dc,
      printer: devices.printer, devices, collections, stock, cipher,
      fingerprints: new OperatorFingerprints(db, cipher),
      realtime: { emit: () => undefined, emitToKiosk: () => undefined },
      qrKey,
      clientAddress: (c: Context) => {
        const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
        return incoming?.socket?.remoteAddress ?? 'unknown';
      },
    };
    const app = createHttpApp(context, uiDir ?? join(root, 'dist', 'ui'));
    let closed = false;
    return {
      config, context, app, demo, devices,
      async close() {
        if (closed) return;
        closed = true;
        for (const c of cleanups) await c();
      },
    };
  } catch (e) {
    for (const c of cleanups) await Promise.resolve(c()).catch(() => undefined);
    throw e;
  }
}

/** The hub on Node: HTTP and Socket.IO on one server. */
export async function startHub(opts: StartOptions = {}): Promise<RunningHub> {
  const hub = await createHub(opts);
  const { config, context, demo, devices } = hub;
  try {
    const server: HttpServer = createServer(getRequestListener(hub.app.fetch));
    const io = new IoServer(server, { serveClient: false, cors: { origin: false } });
    const detach = attachNamespaces(io, context);
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(config.port, config.host, () => res());
    });
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    const hostForUrl = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${hostForUrl}:${port}`;
    context.log.info('hub started', { url, mode: config.mode });

    const screens = {
      kiosk: `${url}/kiosk/${demo ? `?token=${demo.kioskToken}` : ''}`,
      collection: `${url}/collection/${demo ? `?token=${demo.kioskToken}` : ''}`,
      operator: `${url}/operator/`,
      supervisor: `${url}/supervisor/`,
      display: `${url}/display/${demo ? `?token=${demo.displayToken}` : ''}`,
      sim: demo ? `${url}/sim/` : '',
    };

    let closed = false;
    return {
      url, port, config, context, demo, devices, screens,
      printer: { getPrinted: () => devices.printedTickets() },
      async close() {
        if (closed) return;
        closed = true;
        detach();
        io.disconnectSockets(true);
        await new Promise<void>((res) => io.close(() => res()));
        server.closeAllConnections?.();
        await new Promise<void>((res) => server.close(() => res()));
        await hub.close();
      },
    };
  } catch (e) {
    await hub.close();
    throw e;
  }
}
