/** Everything a request handler or socket namespace may use, made once at start by startHub. */
import type { Context } from 'hono';
import type { HubConfig } from './config.ts';
import type { Logger } from './log.ts';
import type { Database } from './store/db.ts';
import type { AuthService } from './auth/auth-service.ts';
import type { QueueService } from './queue/queue-service.ts';
import type { TicketPrinter } from './devices/ports.ts';
import type { CaseService } from './cases/case-service.ts';
import type { DcLink } from './dc/link.ts';
import type { OutboxStore } from './dc/outbox-store.ts';
import type { OperatorFingerprints } from './auth/operator-fingerprints.ts';
import type { DeviceManager } from './devices/manager.ts';
import type { CollectionService } from './collection/collection-service.ts';
import type { CardStock } from './collection/stock.ts';
import type { AtRestCipher } from './security/at-rest.ts';

export interface HubContext {
  config: HubConfig;
  version: string;
  startedAt: number;
  log: Logger;
  db: Database;
  auth: AuthService;
  queue: QueueService;
  cases: CaseService;
  outbox: OutboxStore;
  /** null when the hub runs with dc.url = none */
  dc: DcLink | null;
  printer: TicketPrinter;
  devices: DeviceManager;
  fingerprints: OperatorFingerprints;
  collections: CollectionService;
  stock: CardStock;
  cipher: AtRestCipher;
  /** sends an event to a Socket.IO namespace (a no-op until the Node server attached one) */
  realtime: {
    emit(namespace: string, event: string, data: unknown): void;
    /** to one kiosk's sockets only (its room), e.g. its collection session */
    emitToKiosk(deviceId: string, event: string, data: unknown): void;
  };
  /** key of the MAC on ticket QR codes */
  qrKey: Buffer;
  clientAddress(c: Context): string;
}
