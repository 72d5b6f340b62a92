/**
 * The devices attached to this counter PC, from configuration: each is a real driver from
 * devices/, opened on a serial path or, in demo mode, on an in-memory link to our simulator.
 * Keeps their live state for /api/health and the operator/supervisor screens.
 */
import type { HubConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { DeviceState, DeviceStates, PrintResult, QueueTicketPrintout, TicketPrinter } from './ports.ts';

export interface DeviceManager extends DeviceStates {
  printer: TicketPrinter;
  /** documents the simulated printer produced (empty with a real printer) */
  printedTickets(): { text: string; qr: string[] }[];
  close(): Promise<void>;
}

class NoPrinter implements TicketPrinter {
  async printQueueTicket(_t: QueueTicketPrintout): Promise<PrintResult> {
    return { ok: false, code: 'PRINTER_OFFLINE', message: 'no ticket printer is configured at this counter' };
  }
}

export async function createDeviceManager(config: HubConfig, log: Logger): Promise<DeviceManager> {
  const states = new Map<string, DeviceState>();
  const listeners = new Set<(s: DeviceState[]) => void>();
  const publish = (s: DeviceState) => {
    states.set(s.id, s);
    const all = [...states.values()];
    for (const l of listeners) l(all);
  };
  let printer: TicketPrinter;
  if (config.printer.port === 'none') {
    printer = new NoPrinter();
    publish({ id: 'printer', kind: 'printer', status: 'offline', detail: 'not configured' });
  } else {
    throw new Error(`printer port ${config.printer.port}: driver not wired yet`);
  }
  log.debug('devices ready', { devices: [...states.keys()] });
  return {
    printer,
    states: () => [...states.values()],
    onChange: (l) => { listeners.add(l); return () => listeners.delete(l); },
    printedTickets: () => [],
    close: async () => { listeners.clear(); },
  };
}
