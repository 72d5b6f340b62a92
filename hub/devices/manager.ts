/**
 * The devices attached to this counter PC, from configuration: each is a real driver from
 * devices/, opened on a serial path or, in demo mode, on an in-memory link to our simulator (so
 * `npm start` needs no socat). Keeps their live state for /api/health and the screens.
 */
import {
  EscPosPrinterDriver, EscPosPrinterSimulator, layoutQueueTicket, openSerialDevice, type DeviceStatus as DriverStatus,
} from '../../devices/index.ts';
import type { HubConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { DeviceState, DeviceStates, PrintResult, QueueTicketPrintout, TicketPrinter } from './ports.ts';

export interface DeviceManager extends DeviceStates {
  printer: TicketPrinter;
  /** the in-process simulators, when a device runs on one (demo mode) */
  simulators: { printer?: EscPosPrinterSimulator };
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

const toState = (id: string, kind: DeviceState['kind'], s: DriverStatus): DeviceState =>
  ({ id, kind, status: s.state, ...(s.detail ? { detail: s.detail } : {}) });

export async function createDeviceManager(config: HubConfig, log: Logger): Promise<DeviceManager> {
  const states = new Map<string, DeviceState>();
  const listeners = new Set<(s: DeviceState[]) => void>();
  const closers: (() => Promise<void> | void)[] = [];
  const simulators: DeviceManager['simulators'] = {};
  const publish = (s: DeviceState) => {
    const prev = states.get(s.id);
    if (prev && prev.status === s.status && prev.detail === s.detail) return;
    states.set(s.id, s);
    if (prev?.status !== s.status) log.info('device status', { device: s.id, status: s.status, detail: s.detail });
    const all = [...states.values()];
    for (const l of listeners) l(all);
  };

  let printer: TicketPrinter;
  const p = config.printer.port;
  if (p === 'none') {
    printer = new NoPrinter();
    publish({ id: 'printer', kind: 'printer', status: 'offline', detail: 'not configured' });
  } else {
    const opened = p === 'simulator' ? openSerialDevice({ kind: 'memory', name: 'printer' }) : openSerialDevice({ path: p, baudRate: config.printer.baudRate });
    if (opened.simulatorTransport) {
      const sim = new EscPosPrinterSimulator({ transport: opened.simulatorTransport, name: 'printer-sim' });
      sim.start();
      simulators.printer = sim;
      closers.push(() => sim.stop());
    }
    const driver = new EscPosPrinterDriver({ transport: opened.transport, name: 'printer' });
    driver.on('status', (s) => publish(toState('printer', 'printer', s)));
    publish(toState('printer', 'printer', driver.status));
    driver.start();
    closers.unshift(() => driver.close());
    // a printer that is slow to answer at start is reported offline, not waited for
    await driver.waitReady(2000);
    printer = new EscPosTicketPrinter(driver, config.timezone);
  }

  return {
    printer,
    simulators,
    states: () => [...states.values()],
    onChange: (l) => { listeners.add(l); return () => listeners.delete(l); },
    printedTickets: () => (simulators.printer?.getPrinted() ?? []).map((d) => ({ text: d.lines.join('\n'), qr: d.qrCodes })),
    close: async () => {
      listeners.clear();
      for (const c of closers) await c();
    },
  };
}
