/** The reference DC run in-process for `npm start` and tests (dc.url = embedded), on a loopback port. */
import { randomBytes } from 'node:crypto';
import type { HubConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { startReferenceDc } from '../reference-dc/index.ts';

export async function startEmbeddedDc(config: HubConfig, dataDir: string, log: Logger) {
  const dc = await startReferenceDc({
    dataDir, port: 0, host: '127.0.0.1',
    bootstrapToken: config.dc.bootstrapToken,
    // nobody outside this process may inject faults into the embedded DC
    adminToken: randomBytes(24).toString('base64url'),
    resultDelayMs: config.dc.resultDelayMs,
    logger: log.child({ svc: 'reference-dc' }),
  });
  log.info('embedded reference DC started', { url: dc.url });
  return dc;
}
