/**
 * The simulators behind the demo devices, driven by the simulator panel and the end-to-end tests:
 * put a test person's finger on the scanner, a test card on the reader, sign on the pad, and see
 * or disturb the printer. Only built in demo mode.
 */
import { readFile } from 'node:fs/promises';
import {
  card as cardLib, EscPosPrinterSimulator, FVC2002_DPI, Isdv4PadSimulator, R30xScannerSimulator, tiffToScannerImage,
} from '../../devices/index.ts';
import { DEMO_DB, DEMO_PEOPLE, demoCardSerial, demoPerson, type DemoPerson } from '../demo/residents.ts';
import { maskNik } from '../domain/index.ts';
import { HubError } from '../http/errors.ts';

export type CardVariant = 'good' | 'changedDg' | 'badSignature' | 'unknownCa' | 'truncated';
type Finger = 'rightIndex' | 'leftIndex';

export function datasetsRoot(): URL {
  return cardLib.datasetsDir();
}

export class DemoSimulators {
  private fingerOn: { residentId: string; finger: Finger; impression: number } | null = null;
  private cardIn: { residentId: string; variant: CardVariant } | null = null;
  private readonly cardSets = new Map<string, Promise<cardLib.TestCardSet>>();
  private pki: Promise<cardLib.TestPki> | undefined;

  constructor(
    readonly printer: EscPosPrinterSimulator | undefined,
    readonly scanner: R30xScannerSimulator | undefined,
    readonly pad: Isdv4PadSimulator | undefined,
    readonly cardReader: cardLib.InProcessTransport | undefined,
  ) {
    scanner?.on('uploaded', () => { if (scanner.autoLift) this.fingerOn = null; });
  }

  /** one test PKI per hub run: its CSCA is what the demo card reader trusts */
  testPki(): Promise<cardLib.TestPki> {
    this.pki ??= cardLib.createTestPki({ name: 'KTP-el Demo' });
    return this.pki;
  }

  cardSet(person: DemoPerson): Promise<cardLib.TestCardSet> {
    let set = this.cardSets.get(person.id);
    if (!set) {
      set = this.testPki().then((pki) => cardLib.createTestCardSet({
        pki,
        rightIndex: `${person.fingers.rightIndex}_1`, leftIndex: `${person.fingers.leftIndex}_1`,
        biodata: { nik: person.nik, name: person.fullName, sex: person.sex, dateOfBirth: person.dateOfBirth, cardSerial: demoCardSerial(person) },
      }));
      this.cardSets.set(person.id, set);
    }
    return set;
  }

  state() {
    return {
      residents: DEMO_PEOPLE.map((p) => ({ id: p.id, kind: p.kind, fullName: p.fullName, nikMasked: maskNik(p.nik),
        // test people only: the full NIK is what a newcomer types at the collection kiosk
        ...(p.kind === 'resident' ? { nik: p.nik } : {}),
        fingers: { rightIndex: `${DEMO_DB}/${p.fingers.rightIndex}`, leftIndex: `${DEMO_DB}/${p.fingers.leftIndex}` } })),
      scanner: { fingerOn: this.fingerOn },
      card: { inserted: this.cardIn },
      printer: { paperOut: this.printerFlags.paperOut, offline: this.printerFlags.offline },
    };
  }

  private person(id: string): DemoPerson {
    const p = demoPerson(id);
    if (!p) throw new HubError(404, 'UNKNOWN_RESIDENT', `no test person ${id}`, 'residentId');
    return p;
  }

  async placeFinger(residentId: string, finger: Finger, impression = 1): Promise<void> {
    if (!this.scanner) throw new HubError(409, 'NO_SIMULATOR', 'the fingerprint scanner is not simulated');
    const p = this.person(residentId);
    const tif = await readFile(new URL(`fvc2002/${DEMO_DB}/${p.fingers[finger]}_${impression}.tif`, datasetsRoot()));
    const img = tiffToScannerImage(tif, { sourceDpi: FVC2002_DPI[DEMO_DB] });
    if (!img.ok) throw new HubError(500, 'DATASET', `dataset image unreadable: ${img.error.message}`);
    this.scanner.placeFinger(img.image);
    this.fingerOn = { residentId, finger, impression };
  }

  liftFinger(): void {
    this.scanner?.liftFinger();
    this.fingerOn = null;
  }

  poorImages(count: number): void {
    if (!this.scanner) throw new HubError(409, 'NO_SIMULATOR', 'the fingerprint scanner is not simulated');
    this.scanner.poorImages(count);
  }

  async insertCard(residentId: string, variant: CardVariant = 'good'): Promise<void> {
    if (!this.cardReader) throw new HubError(409, 'NO_SIMULATOR', 'the card reader is not simulated');
    const set = await this.cardSet(this.person(residentId));
    const files = variant === 'good' ? set.good : set.tampered[variant];
    this.cardReader.insert(cardLib.VirtualCard.personalised(files));
    this.cardIn = { residentId, variant };
  }

  removeCard(): void {
    this.cardReader?.remove();
    this.cardIn = null;
  }

  /** one pen-down stroke in pad coordinates 0..1, then pen up */
  async stroke(points: { x: number; y: number; pressure: number }[]): Promise<void> {
    if (!this.pad) throw new HubError(409, 'NO_SIMULATOR', 'the signature pad is not simulated');
    const maxX = 26202; const maxY = 16325; const maxP = 1023;
    await this.pad.drawStrokes([points.map((p) => ({ x: p.x * maxX, y: p.y * maxY, pressure: Math.max(1, p.pressure * maxP) }))]);
  }

  private printerFlags = { paperOut: false, offline: false };
  setPrinter(flags: { paperOut?: boolean; offline?: boolean }): void {
    if (!this.printer) throw new HubError(409, 'NO_SIMULATOR', 'the printer is not simulated');
    if (flags.paperOut !== undefined) { this.printer.setPaperOut(flags.paperOut); this.printerFlags.paperOut = flags.paperOut; }
    if (flags.offline !== undefined) { this.printer.setOffline(flags.offline); this.printerFlags.offline = flags.offline; }
  }
}
