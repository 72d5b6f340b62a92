import type { DeviceState } from './schemas.ts';
import { DEVICE_STATUS_ID, deviceAlerts, deviceAlertText, deviceName } from './staff.ts';

/** A prominent banner per device that needs attention (printer offline, paper out, ...). */
export function DeviceAlerts({ devices }: { devices: readonly DeviceState[] }) {
  const alerts = deviceAlerts(devices);
  if (alerts.length === 0) return null;
  return (
    <div class="device-alerts" role="alert" data-testid="device-alerts">
      {alerts.map((d) => (
        <p class={`banner ${d.kind === 'printer' ? 'error' : 'warn'}`}>⚠ {deviceAlertText(d)}</p>
      ))}
    </div>
  );
}

export function DeviceList({ devices }: { devices: readonly DeviceState[] }) {
  if (devices.length === 0) return <p class="muted">Belum ada data perangkat.</p>;
  return (
    <ul class="devices" data-testid="devices">
      {devices.map((d) => (
        <li class={`device ${d.status}`}>
          <span class="dot" aria-hidden="true" />
          <span class="device-name">{deviceName(d)}</span>
          <span class="device-status">{DEVICE_STATUS_ID[d.status]}{d.detail ? ` — ${d.detail}` : ''}</span>
        </li>
      ))}
    </ul>
  );
}
