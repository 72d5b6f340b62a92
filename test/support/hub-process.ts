/**
 * A hub in a child process (for benchmarks and crash tests): prints one JSON line with its URL
 * and demo credentials once it listens. Usage: tsx test/support/hub-process.ts DATA_DIR [printer]
 */
import { startHub } from '../../hub/index.ts';
import { createLogger } from '../../hub/log.ts';

const [dataDir, printerPort = 'none'] = process.argv.slice(2);
const hub = await startHub({ dataDir: dataDir!, port: 0, host: '127.0.0.1', logger: createLogger('error'), printer: { port: printerPort, baudRate: 19200 } });
console.log(JSON.stringify({ url: hub.url, demo: hub.demo }));
const { monitorEventLoopDelay } = await import('node:perf_hooks');
const eld = monitorEventLoopDelay({ resolution: 5 });
eld.enable();
process.on('SIGTERM', () => {
  // the hub's own event-loop delay while it ran: how much of a latency is the server's doing
  console.error(JSON.stringify({ hubEventLoopDelayMs: { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 } }));
  void hub.close().then(() => process.exit(0));
});
