/**
 * What the driver needs from a reader stack, so the same driver runs over PC/SC (pcsclite ->
 * pcscd) and over an in-process card on machines without pcscd.
 */
import type { Result } from './errors.ts';

export type TransportEvent =
  | { type: 'online' }
  | { type: 'offline'; reason: string }
  /** Cannot work at all (e.g. the PC/SC library is missing); no retry will fix it. */
  | { type: 'error'; reason: string }
  | { type: 'reader-added'; reader: string }
  | { type: 'reader-removed'; reader: string }
  | { type: 'card-inserted'; reader: string; atr: Uint8Array }
  | { type: 'card-removed'; reader: string };

export interface CardConnection {
  readonly reader: string;
  readonly atr: Uint8Array;
  /** One command APDU, one response APDU. Failures: CARD_REMOVED, READER_OFFLINE, TRANSMIT_FAILED. */
  transmit(apdu: Uint8Array): Promise<Result<Uint8Array>>;
  disconnect(): Promise<void>;
}

export interface CardTransport {
  readonly kind: 'pcsc' | 'in-process';
  /** Starts watching readers; events go to `listener`. Reconnection after a lost service is the transport's job. */
  start(listener: (e: TransportEvent) => void): void;
  stop(): Promise<void>;
  online(): boolean;
  readers(): string[];
  /** Readers that hold a card right now. */
  readersWithCard(): string[];
  connect(reader: string): Promise<Result<CardConnection>>;
}
