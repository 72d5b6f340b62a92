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

// ---- fingerprint scanner (R30x / AS608 / ZFM UART) ----
export {
  R30xDecoder, encodePacket as encodeR30xPacket, parseAck as parseR30xAck, ackPacket as r30xAckPacket,
  instructions as r30xInstructions, command as r30xCommand, parseSystemParameters as parseR30xSystemParameters,
  encodeSystemParameters as encodeR30xSystemParameters, PID as R30X_PID, INSTRUCTION as R30X_INSTRUCTION,
  CONFIRMATION as R30X_CONFIRMATION, DEFAULT_ADDRESS as R30X_DEFAULT_ADDRESS,
  type R30xPacket, type R30xError, type R30xErrorCode, type R30xEvent, type Ack as R30xAck,
  type SystemParameters as R30xSystemParameters,
} from './fingerprint/r30x-codec.ts';
export {
  tiffToScannerImage, grayToScannerImage, readGrayTiff, packScannerImage, unpackScannerImage, resampleGray,
  foregroundCentre, TiffError, FVC2002_DPI, SCANNER_WIDTH, SCANNER_HEIGHT, SCANNER_IMAGE_BYTES, SCANNER_DPI,
  type GrayImage, type TiffResult, type ScannerImageResult,
} from './fingerprint/image.ts';
export {
  R30xScannerDriver, type R30xScannerDriverOptions, type CaptureOptions, type CaptureEvent, type CaptureResult,
  type CaptureFailureCode,
} from './fingerprint/driver.ts';
export { R30xScannerSimulator, type R30xScannerSimulatorOptions } from './fingerprint/simulator.ts';

// ---- signature pad (Wacom ISDV4 serial) ----
export {
  Isdv4Decoder, encodePenPacket as encodeIsdv4PenPacket, encodeQueryReply as encodeIsdv4QueryReply, ISDV4_COMMAND,
  type PenSample, type PadCapabilities, type Isdv4Frame, type Isdv4Error, type Isdv4ErrorCode, type Isdv4Event,
} from './signature-pad/isdv4-codec.ts';
export {
  makeSignature, signatureToPng, signatureToSvg, type PenPoint, type Stroke, type Signature, type SignatureData,
  type RenderOptions as SignatureRenderOptions,
} from './signature-pad/signature.ts';
export { Isdv4PadDriver, type Isdv4PadDriverOptions, type FinishResult as SignatureFinishResult, type PadEvents } from './signature-pad/driver.ts';
export { Isdv4PadSimulator, type Isdv4PadSimulatorOptions, type SimPoint as PadSimPoint } from './signature-pad/simulator.ts';

// ---- card reader/writer (PC/SC) and the KTP-el chip: a namespace, since the card module also
// exports generic names (ok, fail, Result, hex) that would clash here ----
export * as card from './card/index.ts';
