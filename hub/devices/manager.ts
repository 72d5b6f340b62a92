/**
 * The devices attached to this counter PC, from configuration: each is a real driver from
 * devices/, opened on a serial path / pcscd or, in demo mode, on an in-memory link to our
 * simulator (so `npm start` needs no socat or pcscd). Keeps their live state for /api/health and
 * the screens, and the demo simulators for the simulator panel.
 */
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import {
  card as cardLib, EscPosPrinterDriver, EscPosPrinterSimulator, Isdv4PadDriver, Isdv4PadSimulator, layoutQueueTicket, layoutReceipt,
  openSerialDevice, R30xScannerDriver, R30xScannerSimulator, type SerialDeviceDriver,
  type DeviceStatus as DriverStatus, type TransportFactory,
} from '../../devices/index.ts';
import type { HubConfig } from '../config.ts';
import { ConfigError } from '../config.ts';
import type { Logger } from '../log.ts';
import type { DeviceState, DeviceStates, PrintResult, QueueTicketPrintout, ReceiptPrintout, TicketPrinter } from './ports.ts';
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
  async printReceipt(_r: ReceiptPrintout): Promise<PrintResult> {
    return { ok: false, code: 'PRINTER_OFFLINE', message: 'no receipt printer is configured at this counter' };
  }
}

class EscPosTicketPrinter implements TicketPrinter {
  constructor(private readonly driver: EscPosPrinterDriver, private readonly timeZone: string) {}
  async printQueueTicket(t: QueueTicketPrintout): Promise<PrintResult> {
    const r = await this.driver.print(layoutQueueTicket({ ...t, timeZone: this.timeZone }));
    return r.ok ? { ok: true } : r;
  }
  async printReceipt(receipt: ReceiptPrintout): Promise<PrintResult> {
    let job;
    try {
      job = layoutReceipt({ ...receipt, timeZone: this.timeZone });
    } catch (e) {
      return { ok: false, code: 'PRINTER_ERROR', message: `receipt layout refused: ${(e as Error).message}` };
    }
    const r = await this.driver.print(job);
    return r.ok ? { ok: true } : r;
  }
}

const fromDriver = (id: string, kind: DeviceState['kind'], s: DriverStatus): DeviceState =>
  ({ id, kind, status: s.state, ...(s.detail ? { detail: s.detail } : {}) });

/** what the manager needs of any serial driver and simulator */
type DriverLike = Pick<SerialDeviceDriver, 'status' | 'start' | 'close' | 'waitReady'> & { on(event: 'status', listener: (s: DriverStatus) => void): unknown };
type SimulatorLike = { start(): void; stop(): Promise<void> };

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
  const started: Promise<unknown>[] = [];

  /**
   * One serial device from its configuration: 'none', 'simulator' (an in-memory link to our
   * simulator of it) or a serial path; its driver's status is published under `id`.
   */
  function serialDevice<D extends DriverLike, S extends SimulatorLike>(
    id: string, kind: DeviceState['kind'], cfg: { port: string; baudRate: number },
    makeSimulator: (t: TransportFactory) => S, makeDriver: (t: TransportFactory) => D,
  ): { driver: D | null; simulator: S | undefined } {
    if (cfg.port === 'none') {
      publish({ id, kind, status: 'offline', detail: 'not configured' });
      return { driver: null, simulator: undefined };
    }
    const opened = cfg.port === 'simulator' ? openSerialDevice({ kind: 'memory', name: id }) : openSerialDevice({ path: cfg.port, baudRate: cfg.baudRate });
    let simulator: S | undefined;
    if (opened.simulatorTransport) {
      const sim = makeSimulator(opened.simulatorTransport);
      sim.start();
      closers.push(() => sim.stop());
      simulator = sim;
    }
    const driver = makeDriver(opened.transport);
    driver.on('status', (st) => publish(fromDriver(id, kind, st)));
    publish(fromDriver(id, kind, driver.status));
    driver.start();
    closers.unshift(() => driver.close());
    started.push(driver.waitReady(2000));
    return { driver, simulator };
  }

  const printerDev = serialDevice('printer', 'printer', config.printer,
    (t) => new EscPosPrinterSimulator({ transport: t, name: 'printer-sim' }),
    (t) => new EscPosPrinterDriver({ transport: t, name: 'printer' }));
  const printer: TicketPrinter = printerDev.driver ? new EscPosTicketPrinter(printerDev.driver, config.timezone) : new NoPrinter();
  const printerSim = printerDev.simulator;

  // the simulated resident lifts the finger once the image is read, as the screen asks
  const scannerDev = serialDevice('fingerprint', 'fingerprint', config.fingerprint,
    (t) => new R30xScannerSimulator({ transport: t, autoLift: true }),
    (t) => new R30xScannerDriver({ transport: t, name: 'fingerprint' }));

  const padDev = serialDevice('signature', 'signature', config.signaturePad,
    (t) => new Isdv4PadSimulator({ transport: t }),
    (t) => new Isdv4PadDriver({ transport: t }));

  // ---- card reader/writer (PC/SC or in-process virtual card) ----
  let cardDriver: cardLib.CardDriver | null = null;
  let cardSim: cardLib.InProcessTransport | undefined;
  if (config.cardReader.mode === 'none') publish({ id: 'card', kind: 'card', status: 'offline', detail: 'not configured' });
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

  const demo = config.mode === 'demo' ? new DemoSimulators(printerSim, scannerDev.simulator, padDev.simulator, cardSim) : null;
  const trustFromFile = config.cardReader.trustFile ? readTrustFile(config.cardReader.trustFile) : null;
  // devices slow to answer at start are reported offline, not waited for
  await Promise.all(started);

  return {
    printer,
    fingerprint: new FingerprintService(scannerDev.driver),
    signaturePad: padDev.driver,
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
