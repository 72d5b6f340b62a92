/**
 * The collection counter with real OS parts: the scanner, the signature pad and the printer each on
 * a socat PTY pair with our simulator at the device end, and the card reader through pcscd + vpcd
 * with a test card for a demo resident (signed by a test PKI whose CSCA the hub trusts from a PEM
 * file). `hubOptions` plugs the hub into them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  card as cardLib, EscPosPrinterSimulator, FVC2002_DPI, Isdv4PadSimulator, openSerialDevice, R30xScannerSimulator, tiffToScannerImage,
} from '../../devices/index.ts';
import type { StartOptions } from '../../hub/index.ts';
import { DEMO_DB, demoCardSerial, demoPerson, type DemoPerson } from '../../hub/demo/residents.ts';
import { createPtyPair, type PtyPair } from './socat.ts';
import { requirePcscParts, startPcscd, type Pcscd } from './pcscd.ts';

export type CardVariant = 'good' | 'changedDg' | 'badSignature' | 'unknownCa' | 'truncated';

export interface RealParts {
  hubOptions: Pick<StartOptions, 'printer' | 'fingerprint' | 'signaturePad' | 'cardReader'>;
  printer: EscPosPrinterSimulator;
  scanner: R30xScannerSimulator;
  pad: Isdv4PadSimulator;
  placeFinger(residentId: string, finger: 'rightIndex' | 'leftIndex', impression: number): Promise<void>;
  insertCard(residentId: string, variant?: CardVariant): Promise<void>;
  /** any card's files (signed by `pki` to be trusted) */
  insertFiles(files: cardLib.CardFiles): Promise<void>;
  /** the test PKI whose CSCA the hub trusts */
  pki: cardLib.TestPki;
  removeCard(): Promise<void>;
  /** one stroke, points in 0..1 of the pad */
  stroke(points: { x: number; y: number; pressure: number }[]): Promise<void>;
  close(): Promise<void>;
}

export async function startRealParts(): Promise<RealParts> {
  requirePcscParts();
  const dir = mkdtempSync(join(tmpdir(), 'real-parts-'));
  const pairs: PtyPair[] = [];
  const pair = async () => { const p = await createPtyPair(); pairs.push(p); return p; };
  const printerPty = await pair();
  const scannerPty = await pair();
  const padPty = await pair();
  const printer = new EscPosPrinterSimulator({ transport: openSerialDevice({ path: printerPty.devicePath, baudRate: 19200 }).transport });
  const scanner = new R30xScannerSimulator({ transport: openSerialDevice({ path: scannerPty.devicePath, baudRate: 57600 }).transport, autoLift: true });
  const pad = new Isdv4PadSimulator({ transport: openSerialDevice({ path: padPty.devicePath, baudRate: 19200 }).transport });
  for (const s of [printer, scanner, pad]) s.start();

  const pcscd: Pcscd = await startPcscd();
  const pki = await cardLib.createTestPki({ name: 'KTP-el Real Parts' });
  const trustFile = join(dir, 'csca.pem');
  writeFileSync(trustFile, pki.csca.pem);
  const sets = new Map<string, Promise<cardLib.TestCardSet>>();
  const cardSet = (p: DemoPerson) => {
    let s = sets.get(p.id);
    if (!s) {
      s = cardLib.createTestCardSet({
        pki, rightIndex: `${p.fingers.rightIndex}_1`, leftIndex: `${p.fingers.leftIndex}_1`,
        biodata: { nik: p.nik, name: p.fullName, sex: p.sex, dateOfBirth: p.dateOfBirth, cardSerial: demoCardSerial(p) },
      });
      sets.set(p.id, s);
    }
    return s;
  };
  let onReader: cardLib.VpcdCard | null = null;
  const person = (id: string) => {
    const p = demoPerson(id);
    if (!p) throw new Error(`no demo person ${id}`);
    return p;
  };

  const insertFiles = async (files: cardLib.CardFiles) => {
    if (onReader) await removeCard();
    onReader = new cardLib.VpcdCard(cardLib.VirtualCard.personalised(files), { port: pcscd.vpcdPort(0) });
    await onReader.insert();
  };
  const removeCard = async () => {
    const c = onReader;
    onReader = null;
    await c?.remove();
  };

  return {
    hubOptions: {
      printer: { port: printerPty.driverPath, baudRate: 19200 },
      fingerprint: { port: scannerPty.driverPath, baudRate: 57600 },
      signaturePad: { port: padPty.driverPath, baudRate: 19200 },
      cardReader: { mode: 'pcsc', readerFilter: pcscd.readerName(0), trustFile },
    },
    printer, scanner, pad,
    async placeFinger(residentId, finger, impression) {
      const p = person(residentId);
      const tif = await readFile(new URL(`fvc2002/${DEMO_DB}/${p.fingers[finger]}_${impression}.tif`, cardLib.datasetsDir()));
      const img = tiffToScannerImage(tif, { sourceDpi: FVC2002_DPI[DEMO_DB] });
      if (!img.ok) throw new Error(img.error.message);
      scanner.placeFinger(img.image);
    },
    pki,
    async insertCard(residentId, variant = 'good') {
      const set = await cardSet(person(residentId));
      await insertFiles(variant === 'good' ? set.good : set.tampered[variant]);
    },
    insertFiles,
    removeCard,
    async stroke(points) {
      // a real pad sends nothing until the host's start command has crossed the serial link
      const until = Date.now() + 5000;
      while (!pad.isStreaming) {
        if (Date.now() > until) throw new Error('the signature pad was not started by the hub');
        await new Promise((r) => setTimeout(r, 10));
      }
      await pad.drawStrokes([points.map((q) => ({ x: q.x * 26202, y: q.y * 16325, pressure: Math.max(1, q.pressure * 1023) }))]);
    },
    async close() {
      await onReader?.remove().catch(() => undefined);
      for (const s of [printer, scanner, pad]) await s.stop();
      for (const p of pairs) await p.close();
      await pcscd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
