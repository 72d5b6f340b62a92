/**
 * What the hub needs from the device layer, as interfaces: the HTTP and queue code depend on these,
 * and hub/devices/manager.ts wires them to the real drivers in devices/.
 */
export type DeviceKind = 'printer' | 'fingerprint' | 'signature' | 'card';
export type DeviceStatus = 'online' | 'offline' | 'busy' | 'error';
export interface DeviceState { id: string; kind: DeviceKind; status: DeviceStatus; detail?: string }

export type PrintResult =
  | { ok: true }
  | { ok: false; code: 'PRINTER_OFFLINE' | 'PAPER_OUT' | 'PRINTER_ERROR'; message: string };

export interface QueueTicketPrintout {
  officeName: string;
  label: string;
  serviceNameId: string;
  serviceNameEn: string;
  issuedAt: string;
  peopleAhead: number;
  estimatedWaitMinutes: number;
  qrText: string;
}

/** A receipt (the handover receipt): label/value rows, an optional image, a QR. */
export interface ReceiptPrintout {
  officeName: string;
  titleId: string;
  titleEn: string;
  rows: { label: string; value: string }[];
  issuedAt: string;
  qrText?: string;
  image?: { caption?: string; width: number; height: number; rgba: Uint8Array<ArrayBuffer> };
  footerId?: string;
  footerEn?: string;
}

export interface TicketPrinter {
  printQueueTicket(t: QueueTicketPrintout): Promise<PrintResult>;
  printReceipt(r: ReceiptPrintout): Promise<PrintResult>;
}

export interface DeviceStates {
  states(): DeviceState[];
  onChange(listener: (states: DeviceState[]) => void): () => void;
}
