/**
 * The devices attached to this counter PC, from configuration: each is a real driver from
 * devices/, opened on a serial path / pcscd or, in demo mode, on an in-memory link to our
 * simulator (so `npm start` needs no socat or pcscd). Keeps their live state for /api/health and
 * the screens, and the demo simulators for the simulator panel.
 */
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import {
  card as cardLib, EscPosPrinterDriver, EscPosPrinterSimulator, Isdv4PadDriver, Isdv4PadSimulator, layoutQueueTicket,
  openSerialDevice, R30xScannerDriver, R30xScannerSimulator, type DeviceStatus as DriverStatus,
} from '../../devices/index.ts';
import type { HubConfig } from '../config.ts';
import { ConfigError } from '../config.ts';
import type { Logger } from '../log.ts';
import type { DeviceState, DeviceStates, PrintResult, QueueTicketPrintout, TicketPrinter } from './ports.ts';
import { FingerprintService } from './fingerprint.ts';
import { DemoSimulators } from './demo-sim.ts';

export interface DeviceEvents {
  card: [{ present: boolean; reader: string }];
}

export interface DeviceManager extends DeviceStates {
  printer: TicketPrinter;
  fingerprint: FingerprintService;
  signaturePad: Isdv4PadDriver | null;
  card: cardLib.CardDriver | null;
  /** country-signing CA certificates (DER) trusted for passive authentication */
  cardTrust(): Promise<cardLib.TrustAnchor[]>;
  events: EventEmitter<DeviceEvents>;
  /** demo mode only: the simulators behind the devices */
  demo: DemoSimulators | null;
  /** documents the simulated printer produced (empty with a real printer) */
  printedTickets(): { text: string; qr: string[] }[];
  close(): Promise<void>;
}

class NoPrinter implements TicketPrinter {
  async printQueueTicket(_t: QueueTicketPrintout): Promise<PrintResult> {
    return { ok: false, code: 'PRINTER_OFFLINE', message: 'no ticket printer is configured at this counter' };
  }
}

class EscPosTicketPrinter implements TicketPrinter {
  constructor(private readonly driver: EscPosPrinterDriver, private readonly timeZone: string) {}
  async printQueueTicket(t: QueueTicketPrintout): Promise<PrintResult> {
    const r = await this.driver.print(layoutQueueTicket({ ...t, timeZone: this.timeZone }));
    return r.ok ? { ok: true } : r;
  }
}

const fromDriver = (id: string, kind: DeviceState['kind'], s: DriverStatus): DeviceState =>
  ({ id, kind, status: s.state, ...(s.detail ? { detail: s.detail } : {}) });

/** PEM bundle -> DER certificates */
function readTrustFile(path: string): Uint8Array[] {
  const pem = readFileSync(path, 'utf8');
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) throw new ConfigError([`cardReader.trustFile: no certificate in ${path}`]);
  return blocks.map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
}

export async function createDeviceManager(config: HubConfig, log: Logger): Promise<DeviceManager> {
  const states = new Map<string, DeviceState>();
  const listeners = new Set<(s: DeviceState[]) => void>();
  const closers: (() => Promise<void> | void)[] = [];
  const events = new EventEmitter<DeviceEvents>();
  const publish = (s: DeviceState) => {
    const prev = states.get(s.id);
    if (prev && prev.status === s.status && prev.detail === s.detail) return;
    states.set(s.id, s);
    if (prev?.status !== s.status) log.info('device status', { device: s.id, status: s.status, detail: s.detail });
    const all = [...states.values()];
    for (const l of listeners) l(all);
  };
  const notConfigured = (id: string, kind: DeviceState['kind']) => publish({ id, kind, status: 'offline', detail: 'not configured' });
  const serial = (port: string, baudRate: number, name: string) =>
    port === 'simulator' ? openSerialDevice({ kind: 'memory', name }) : openSerialDevice({ path: port, baudRate });
  const started: Promise<unknown>[] = [];

  // ---- ticket printer (ESC/POS) ----
  let printer: TicketPrinter = new NoPrinter();
  let printerSim: EscPosPrinterSimulator | undefined;
  if (config.printer.port === 'none') notConfigured('printer', 'printer');
  else {
    const opened = serial(config.printer.port, config.printer.baudRate, 'printer');
    if (opened.simulatorTransport) {
      printerSim = new EscPosPrinterSimulator({ transport: opened.simulatorTransport, name: 'printer-sim' });
      printerSim.start();
      const sim = printerSim;
      closers.push(() => sim.stop());
    }
    const driver = new EscPosPrinterDriver({ transport: opened.transport, name: 'printer' });
    driver.on('status', (s) => publish(fromDriver('printer', 'printer', s)));
    publish(fromDriver('printer', 'printer', driver.status));
    driver.start();
    closers.unshift(() => driver.close());
    started.push(driver.waitReady(2000));
    printer = new EscPosTicketPrinter(driver, config.timezone);
  }

  // ---- fingerprint scanner (R30x) ----
  let scanner: R30xScannerDriver | null = null;
  let scannerSim: R30xScannerSimulator | undefined;
  if (config.fingerprint.port === 'none') notConfigured('fingerprint', 'fingerprint');
  else {
    const opened = serial(config.fingerprint.port, config.fingerprint.baudRate, 'fingerprint');
    if (opened.simulatorTransport) {
      // the simulated resident lifts the finger once the image is read, as the screen asks
      scannerSim = new R30xScannerSimulator({ transport: opened.simulatorTransport, autoLift: true });
      scannerSim.start();
      const sim = scannerSim;
      closers.push(() => sim.stop());
    }
    const driver = new R30xScannerDriver({ transport: opened.transport, name: 'fingerprint' });
    driver.on('status', (s) => publish(fromDriver('fingerprint', 'fingerprint', s)));
    publish(fromDriver('fingerprint', 'fingerprint', driver.status));
    driver.start();
    closers.unshift(() => driver.close());
    started.push(driver.waitReady(2000));
    scanner = driver;
  }

  // ---- signature pad (ISDV4) ----
  let pad: Isdv4PadDriver | null = null;
  let padSim: Isdv4PadSimulator | undefined;
  if (config.signaturePad.port === 'none') notConfigured('signature', 'signature');
  else {
    const opened = serial(config.signaturePad.port, config.signaturePad.baudRate, 'signature');
    if (opened.simulatorTransport) {
      padSim = new Isdv4PadSimulator({ transport: opened.simulatorTransport });
      padSim.start();
      const sim = padSim;
      closers.push(() => sim.stop());
    }
    const driver = new Isdv4PadDriver({ transport: opened.transport });
    driver.on('status', (s) => publish(fromDriver('signature', 'signature', s)));
    publish(fromDriver('signature', 'signature', driver.status));
    driver.start();
    closers.unshift(() => driver.close());
    started.push(driver.waitReady(2000));
    pad = driver;
  }

  // ---- card reader/writer (PC/SC or in-process virtual card) ----
  let cardDriver: cardLib.CardDriver | null = null;
  let cardSim: cardLib.InProcessTransport | undefined;
  if (config.cardReader.mode === 'none') notConfigured('card', 'card');
  else {
    const transport = config.cardReader.mode === 'simulator' ? (cardSim = new cardLib.InProcessTransport()) : new cardLib.PcscTransport();
    const driver = new cardLib.CardDriver(transport, config.cardReader.readerFilter ? { readerFilter: config.cardReader.readerFilter } : {});
    const cardState = (): DeviceState => {
      const present = driver.cardPresent();
      return { id: 'card', kind: 'card', status: driver.status, detail: driver.status === 'online' ? (present ? 'card present' : 'no card') : driver.status };
    };
    driver.on('event', (e) => {
      if (e.type === 'card') events.emit('card', { present: e.present, reader: e.reader });
      publish(cardState());
    });
    driver.start();
    publish(cardState());
    closers.unshift(() => driver.stop());
    cardDriver = driver;
  }

  const demo = config.mode === 'demo' ? new DemoSimulators(printerSim, scannerSim, padSim, cardSim) : null;
  const trustFromFile = config.cardReader.trustFile ? readTrustFile(config.cardReader.trustFile) : null;
  // devices slow to answer at start are reported offline, not waited for
  await Promise.all(started);

  return {
    printer,
    fingerprint: new FingerprintService(scanner),
    signaturePad: pad,
    card: cardDriver,
    cardTrust: async () => {
      const fromDemo = demo ? [(await demo.testPki()).csca.der] : [];
      return [...(trustFromFile ?? []), ...fromDemo];
    },
    events,
    demo,
    states: () => [...states.values()],
    onChange: (l) => { listeners.add(l); return () => listeners.delete(l); },
    printedTickets: () => (printerSim?.getPrinted() ?? []).map((d) => ({ text: d.lines.join('\n'), qr: d.qrCodes })),
    close: async () => {
      listeners.clear();
      events.removeAllListeners();
      for (const c of closers) await c();
    },
  };
}
