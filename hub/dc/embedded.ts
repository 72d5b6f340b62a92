/** The reference DC run in-process for `npm start` and tests (dc.url = embedded). */
import type { HubConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { ConfigError } from '../config.ts';

export async function startEmbeddedDc(_config: HubConfig, _dataDir: string, _log: Logger): Promise<{ url: string; caCertPem: string; close(): Promise<void> }> {
  throw new ConfigError(['dc.url: the embedded reference DC is not available in this build; set DC_URL=none or a DC address']);
}
