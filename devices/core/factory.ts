/**
 * How the hub gets a transport for a device: a real serial path, or the driver end of an
 * in-memory pair whose device end a simulator opens.
 */
import { createMemoryTransportPair, type MemoryTransportPair } from './memory-transport.ts';
import { SerialTransport } from './serial-transport.ts';
import type { TransportFactory } from './transport.ts';

export type SerialDeviceConfig =
  | { kind: 'serial'; path: string; baudRate: number }
  | { kind: 'memory'; name?: string };

export interface OpenedSerialDevice {
  /** give this to the driver's `transport` option */
  transport: TransportFactory;
  /** only for 'memory': give `simulatorTransport` to the simulator; `pair` can unplug/replug */
  simulatorTransport?: TransportFactory;
  pair?: MemoryTransportPair;
}

/** `openSerialDevice({ path, baudRate })` for hardware or a PTY; `{ kind: 'memory' }` without socat */
export function openSerialDevice(config: SerialDeviceConfig | { path: string; baudRate: number }): OpenedSerialDevice {
  if (!('kind' in config) || config.kind === 'serial') {
    const { path, baudRate } = config;
    return { transport: () => new SerialTransport({ path, baudRate }) };
  }
  const pair = createMemoryTransportPair(config.name);
  return { transport: () => pair.driver, simulatorTransport: () => pair.device, pair };
}
