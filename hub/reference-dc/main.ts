/**
 * `npm run dc`: the reference DC on its own port. Env: DC_PORT (8443), DC_HOST (127.0.0.1),
 * DC_DATA_DIR (./data/dc), DC_BOOTSTRAP_TOKEN, DC_ADMIN_TOKEN (made and printed when unset),
 * DC_RESULT_DELAY_MS (5000), DC_CARD_READY_MS (unset: no card_ready announcements).
 */
import { randomBytes } from 'node:crypto';
import { resolve, join } from 'node:path';
import { createLogger } from '../log.ts';
import { startReferenceDc } from './index.ts';

const dataDir = resolve(process.env.DC_DATA_DIR ?? './data/dc');
const adminToken = process.env.DC_ADMIN_TOKEN ?? randomBytes(18).toString('base64url');
const bootstrapToken = process.env.DC_BOOTSTRAP_TOKEN ?? 'demo-bootstrap-token';
const dc = await startReferenceDc({
  dataDir, port: Number(process.env.DC_PORT ?? 8443), host: process.env.DC_HOST ?? '127.0.0.1',
  bootstrapToken, adminToken, resultDelayMs: Number(process.env.DC_RESULT_DELAY_MS ?? 5000),
  cardReadyAfterMs: process.env.DC_CARD_READY_MS ? Number(process.env.DC_CARD_READY_MS) : undefined,
  logger: createLogger('info', { svc: 'reference-dc' }),
});
console.log(`
  Reference DC        ${dc.url}
  TLS certificate     ${join(dataDir, 'tls', 'tls-cert.pem')}   (give it to the hub as DC_CA_CERT_FILE)
  Bootstrap token     ${bootstrapToken === 'demo-bootstrap-token' ? 'demo-bootstrap-token (the hub default)' : '(from DC_BOOTSTRAP_TOKEN)'}
  Admin token         ${process.env.DC_ADMIN_TOKEN ? '(from DC_ADMIN_TOKEN)' : adminToken}
`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void dc.close().then(() => process.exit(0)));
