/** Typed errors shared by every serial device driver. */

export type DeviceErrorCode =
  | 'DEVICE_BUSY'
  | 'DEVICE_TIMEOUT'
  | 'DEVICE_CANCELLED'
  | 'DEVICE_OFFLINE'
  | 'DEVICE_PROTOCOL'
  | 'DEVICE_CLOSED';

export class DeviceError extends Error {
  readonly code: DeviceErrorCode;
  constructor(code: DeviceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Another operation is already running on this device; nothing was sent. */
export class DeviceBusyError extends DeviceError {
  readonly running: string;
  constructor(device: string, running: string) {
    super('DEVICE_BUSY', `${device} is busy with '${running}'`);
    this.running = running;
  }
}

export class DeviceTimeoutError extends DeviceError {
  constructor(what: string, ms: number) {
    super('DEVICE_TIMEOUT', `${what} timed out after ${ms} ms`);
  }
}

export class DeviceCancelledError extends DeviceError {
  constructor(what: string) {
    super('DEVICE_CANCELLED', `${what} was cancelled`);
  }
}

export class DeviceOfflineError extends DeviceError {
  constructor(device: string, detail = 'not connected') {
    super('DEVICE_OFFLINE', `${device} is offline: ${detail}`);
  }
}

/** The device answered with bytes that do not make a valid frame/answer. */
export class DeviceProtocolError extends DeviceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEVICE_PROTOCOL', message, options);
  }
}

/** The driver was closed by its owner. */
export class DeviceClosedError extends DeviceError {
  constructor(device: string) {
    super('DEVICE_CLOSED', `${device} driver is closed`);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
