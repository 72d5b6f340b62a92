/**
 * The devices package: for each serial device a codec (pure), a driver (hub side) and a simulator
 * (device side), over a Transport (serial port or in-memory pair).
 */

// ---- core ----
export type { Transport, TransportEvents, TransportFactory } from './core/transport.ts';
export { SerialTransport, type SerialTransportOptions } from './core/serial-transport.ts';
export { createMemoryTransportPair, MemoryTransport, type MemoryTransportPair } from './core/memory-transport.ts';
export { openSerialDevice, type SerialDeviceConfig, type OpenedSerialDevice } from './core/factory.ts';
export { ReconnectingLink, type LinkEvents } from './core/link.ts';
export { backoffDelay, type BackoffOptions } from './core/backoff.ts';
export {
  SerialDeviceDriver, type DeviceState, type DeviceStatus, type DriverBaseOptions, type OperationOptions, type DriverEvents,
} from './core/driver.ts';
export { SerialDeviceSimulator, type SimulatorBaseOptions, type SimulatorEvents } from './core/simulator.ts';
export {
  DeviceError, DeviceBusyError, DeviceTimeoutError, DeviceCancelledError, DeviceOfflineError, DeviceProtocolError,
  DeviceClosedError, type DeviceErrorCode,
} from './core/errors.ts';

// ---- ticket/receipt printer (ESC/POS) ----
export {
  EscPosDecoder, statusRequest as escPosStatusRequest, parseRealtimeStatus as parseEscPosStatus,
  encodeRealtimeStatus as encodeEscPosStatus, decodeText as decodeEscPosText,
  type EscPosCommand, type EscPosError, type EscPosErrorCode, type EscPosEvent, type RealtimeStatus as EscPosRealtimeStatus,
} from './printer/escpos-codec.ts';
export { encodeJob as encodePrintJob, PrintJobSchema, PrintBlockSchema, type PrintJob, type PrintBlock } from './printer/job.ts';
export { layoutQueueTicket, layoutReceipt, QueueTicketSchema, ReceiptSchema, type QueueTicket, type Receipt } from './printer/layout.ts';
export { EscPosPrinterDriver, type EscPosPrinterDriverOptions, type PrintResult, type PrinterFailureCode } from './printer/driver.ts';
export {
  EscPosPrinterSimulator, type EscPosPrinterSimulatorOptions, type PrintedDocument, type PrintedLine, type PrintedImage,
  type PrintedItem,
} from './printer/simulator.ts';

// card reader exports are added by the integrator
