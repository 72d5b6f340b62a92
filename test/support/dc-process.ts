/** The reference DC in its own process (benchmarks): prints one JSON line with its URL and certificate. */
import { startReferenceDc } from '../../hub/reference-dc/index.ts';

const [dataDir, bootstrapToken = 'bootstrap-bench', adminToken = 'admin-bench'] = process.argv.slice(2);
const dc = await startReferenceDc({ dataDir: dataDir!, port: 0, bootstrapToken, adminToken, resultDelayMs: 60_000 });
console.log(JSON.stringify({ url: dc.url, caCertPem: dc.caCertPem }));
process.on('SIGTERM', () => { void dc.close().then(() => process.exit(0)); });
