/**
 * A byte channel to one device. Two implementations: SerialTransport (a real or PTY serial port
 * through `serialport`) and the ends of createMemoryTransportPair() (for machines without socat).
 * A transport is single-use per open(): after 'close' the owner calls open() again (memory ends)
 * or makes a new one (serial), which is what ReconnectingLink does.
 */
import type { TypedEmitter } from './events.ts';

export interface TransportEvents {
  data: [Uint8Array];
  /** `error` is set when the channel went away on its own (unplugged, I/O error). */
  close: [Error | undefined];
}

export interface Transport extends Pick<TypedEmitter<TransportEvents>, 'on' | 'off' | 'once'> {
  /** e.g. the serial path; used in status details and error messages */
  readonly description: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
}

/** Makes a transport for each connection attempt. */
export type TransportFactory = () => Transport;
