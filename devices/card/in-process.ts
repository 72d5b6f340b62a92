/**
 * In-process reader: the VirtualCard answers APDUs directly, no pcscd. Used by `npm start` on a
 * machine without PC/SC and by tests of the driver's logic. Supports the same insert/remove and
 * reader unplug/replug as the vpcd path.
 */
import { fail, ok } from './errors.ts';
import type { Result } from './errors.ts';
import type { CardConnection, CardTransport, TransportEvent } from './transport.ts';
import type { VirtualCard } from './virtual-card.ts';

export class InProcessTransport implements CardTransport {
  readonly kind = 'in-process' as const;
  private listener: ((e: TransportEvent) => void) | undefined;
  private card: VirtualCard | undefined;
  private plugged = true;
  private started = false;
  /** Bumped on every removal so a connection to an earlier insertion stays dead. */
  private insertion = 0;

  constructor(readonly readerName = 'KTP-el In-Process Reader 00') {}

  start(listener: (e: TransportEvent) => void): void {
    this.listener = listener;
    this.started = true;
    if (this.plugged) {
      listener({ type: 'online' });
      listener({ type: 'reader-added', reader: this.readerName });
      if (this.card) listener({ type: 'card-inserted', reader: this.readerName, atr: this.card.atr });
    } else listener({ type: 'offline', reason: 'reader unplugged' });
  }

  async stop(): Promise<void> { this.started = false; this.listener = undefined; }

  online(): boolean { return this.plugged; }
  readers(): string[] { return this.plugged ? [this.readerName] : []; }
  readersWithCard(): string[] { return this.plugged && this.card ? [this.readerName] : []; }

  insert(card: VirtualCard): void {
    if (this.card) this.remove();
    card.reset();
    this.card = card;
    if (this.plugged) this.emit({ type: 'card-inserted', reader: this.readerName, atr: card.atr });
  }

  remove(): void {
    if (!this.card) return;
    this.card = undefined;
    this.insertion++;
    if (this.plugged) this.emit({ type: 'card-removed', reader: this.readerName });
  }

  /** The reader's cable pulled: the transport goes offline until `plug()`. */
  unplug(): void {
    if (!this.plugged) return;
    this.insertion++;
    if (this.card) this.emit({ type: 'card-removed', reader: this.readerName });
    this.emit({ type: 'reader-removed', reader: this.readerName });
    this.plugged = false;
    this.emit({ type: 'offline', reason: 'reader unplugged' });
  }

  plug(): void {
    if (this.plugged) return;
    this.plugged = true;
    this.emit({ type: 'online' });
    this.emit({ type: 'reader-added', reader: this.readerName });
    if (this.card) { this.card.reset(); this.emit({ type: 'card-inserted', reader: this.readerName, atr: this.card.atr }); }
  }

  private emit(e: TransportEvent): void { if (this.started) this.listener?.(e); }

  async connect(reader: string): Promise<Result<CardConnection>> {
    if (!this.plugged) return fail('READER_OFFLINE', 'reader unplugged');
    if (reader !== this.readerName) return fail('NO_READER', `no reader named "${reader}"`);
    const card = this.card;
    if (!card) return fail('NO_CARD', 'no card on the reader');
    card.reset();
    const mine = this.insertion;
    const gone = () => mine !== this.insertion || this.card !== card;
    return ok({
      reader,
      atr: card.atr,
      transmit: async (apdu: Uint8Array): Promise<Result<Uint8Array>> => {
        if (!this.plugged) return fail('READER_OFFLINE', 'reader unplugged');
        if (gone()) return fail('CARD_REMOVED', 'card removed');
        const r = await card.answer(apdu);
        if (r === 'removed') { this.remove(); return fail('CARD_REMOVED', 'card removed during the exchange'); }
        if (gone()) return fail('CARD_REMOVED', 'card removed during the exchange');
        return ok(r);
      },
      disconnect: async () => {},
    });
  }
}
