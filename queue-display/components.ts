/** Small Lit parts of the display: the clock and a counter's tile. */
import { LitElement, css, html } from 'lit';

let officeZone: string | null | undefined;
/**
 * The `hub-time-zone` meta tag the hub puts in the page, if it names a zone this browser knows; read
 * once, as the clock renders every second. (The display stays free of kiosk-ui's modules, so this
 * small reader is its own.)
 */
function officeTimeZone(): string | undefined {
  if (officeZone === undefined) {
    const tz = document.querySelector('meta[name="hub-time-zone"]')?.getAttribute('content') ?? null;
    try { officeZone = tz ? (new Intl.DateTimeFormat('en', { timeZone: tz }), tz) : null; } catch { officeZone = null; }
  }
  return officeZone ?? undefined;
}

export class QdClock extends LitElement {
  static override properties = { now: { state: true } };
  declare now: Date;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.now = new Date();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => (this.now = new Date()), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  static override styles = css`
    :host { display: block; text-align: right; line-height: 1.1; }
    .time { font-size: 64px; font-weight: 800; font-variant-numeric: tabular-nums; }
    .date { font-size: 26px; opacity: 0.85; }
  `;

  override render() {
    // The office's zone as the hub gives it to the page (WIB/WITA/WIT), not whatever the display PC
    // is set to: the waiting room compares this clock with the time on their tickets.
    const timeZone = officeTimeZone();
    const time = this.now.toLocaleTimeString('id-ID', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone });
    const date = this.now.toLocaleDateString('id-ID', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone });
    return html`<div class="time" data-testid="clock">${time}</div><div class="date">${date}</div>`;
  }
}

export class QdCounterTile extends LitElement {
  static override properties = {
    name: { type: String },
    label: { type: String },
    flash: { type: Boolean, reflect: true },
    recall: { type: Boolean },
  };
  declare name: string;
  declare label: string;
  declare flash: boolean;
  declare recall: boolean;

  constructor() {
    super();
    this.name = '';
    this.label = '';
    this.flash = false;
    this.recall = false;
  }

  static override styles = css`
    :host {
      display: flex; flex-direction: column; border-radius: 22px; overflow: hidden;
      background: #12305a; border: 4px solid #284f86; min-height: 230px; container-type: inline-size;
    }
    .name { background: #284f86; color: #fff; font-size: 40px; font-weight: 800; padding: 10px 22px; letter-spacing: 0.02em; }
    .label {
      flex: 1; display: grid; place-items: center; font-size: clamp(56px, 25cqw, 180px); font-weight: 900; color: #ffd24a; white-space: nowrap;
      font-variant-numeric: tabular-nums; letter-spacing: 0.03em; line-height: 1;
    }
    .label.none { color: #6f86ab; font-size: 56px; font-weight: 600; }
    .recall { font-size: 24px; color: #fff; text-align: center; padding-bottom: 8px; font-weight: 700; }
    :host([flash]) { border-color: #ffd24a; animation: pulse 1s ease-in-out 6; }
    :host([flash]) .name { background: #ffd24a; color: #14213d; }
    @keyframes pulse {
      0%, 100% { box-shadow: 0 0 0 0 rgba(255, 210, 74, 0); transform: scale(1); }
      50% { box-shadow: 0 0 40px 12px rgba(255, 210, 74, 0.65); transform: scale(1.03); }
    }
    @media (prefers-reduced-motion: reduce) { :host([flash]) { animation: none; } }
  `;

  override render() {
    return html`
      <div class="name">${this.name}</div>
      <div class=${this.label ? 'label' : 'label none'} data-testid="tile-label">${this.label || '—'}</div>
      ${this.flash && this.recall ? html`<div class="recall">Panggilan ulang</div>` : ''}
    `;
  }
}
