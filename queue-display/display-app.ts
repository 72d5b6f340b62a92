/**
 * <qd-app>: the waiting-room display. Live state from the hub's /display namespace, a flashing
 * tile and a chime + voice call for every call and recall, the last calls, the waiting counts and
 * a clock. Shows labels and counters only: the hub sends no personal data and none is added here.
 */
import { LitElement, css, html, svg } from 'lit';
import { io, type Socket } from 'socket.io-client';
import { CallAnnouncer, type AnnouncerEvent } from './announcer.ts';
import { DisplayCallSchema, DisplayStateSchema, type DisplayCall, type DisplayState } from './schemas.ts';
import { applyCall, emptyState } from './state.ts';
import { ALL_CLIPS, callPhrase } from './words.ts';

const FLASH_MS = 8000;

// drawn, not an emoji: display PCs often lack an emoji font
const speakerIcon = svg`<svg width="56" height="56" viewBox="0 0 24 24" aria-hidden="true" style="vertical-align: -10px"><path fill="currentColor" d="M3 9v6h4l5 5V4L7 9H3zm13.5 3a4.5 4.5 0 0 0-2.5-4v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z"/></svg>`;
/** the hub refuses a token by failing the handshake; socket.io then stops retrying on its own */
const REFUSED_RETRY_MS = 30_000;

type Link = 'connecting' | 'online' | 'offline' | 'unregistered';

export class QdApp extends LitElement {
  static override properties = {
    token: { type: String },
    autoplay: { type: Boolean },
    state: { state: true },
    link: { state: true },
    soundOn: { state: true },
    flashes: { state: true },
  };
  declare token: string;
  declare autoplay: boolean;
  declare state: DisplayState;
  declare link: Link;
  declare soundOn: boolean;
  /** counterId -> the call that made it flash */
  declare flashes: Map<string, DisplayCall>;

  private socket: Socket | null = null;
  private refusedTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly flashTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly announcer: CallAnnouncer;

  constructor() {
    super();
    this.token = '';
    this.autoplay = false;
    this.state = emptyState;
    this.link = 'connecting';
    this.soundOn = false;
    this.flashes = new Map();
    this.announcer = new CallAnnouncer((clip) => new URL(`audio/${clip}.ogg`, document.baseURI).href, (e) => this.onAnnouncer(e));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.token) {
      this.link = 'unregistered';
      return;
    }
    if (this.autoplay) void this.enableSound();
    this.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.refusedTimer);
    for (const t of this.flashTimers.values()) clearTimeout(t);
    this.socket?.disconnect();
    this.socket = null;
  }

  private connect(): void {
    const socket = io('/display', { auth: { token: this.token }, reconnectionDelayMax: 5000 });
    this.socket = socket;
    socket.on('connect', () => {
      this.link = 'online';
    });
    socket.on('disconnect', () => {
      if (this.link !== 'unregistered') this.link = 'offline';
    });
    socket.on('connect_error', (err: Error) => {
      if (err.message === 'UNAUTHORIZED' || err.message === 'FORBIDDEN') {
        this.link = 'unregistered';
        // The supervisor may register this screen later: ask again now and then.
        clearTimeout(this.refusedTimer);
        this.refusedTimer = setTimeout(() => socket.connect(), REFUSED_RETRY_MS);
      } else {
        this.link = 'offline';
      }
    });
    socket.on('display:state', (raw: unknown) => {
      const parsed = DisplayStateSchema.safeParse(raw);
      if (!parsed.success) return console.warn('display:state refused:', parsed.error.issues);
      this.state = parsed.data;
    });
    socket.on('display:call', (raw: unknown) => {
      const parsed = DisplayCallSchema.safeParse(raw);
      if (!parsed.success) return console.warn('display:call refused:', parsed.error.issues);
      this.onCall(parsed.data);
    });
  }

  private onCall(call: DisplayCall): void {
    this.state = applyCall(this.state, call);
    const flashes = new Map(this.flashes);
    flashes.set(call.counterId, call);
    this.flashes = flashes;
    clearTimeout(this.flashTimers.get(call.counterId));
    this.flashTimers.set(call.counterId, setTimeout(() => {
      const f = new Map(this.flashes);
      f.delete(call.counterId);
      this.flashes = f;
    }, FLASH_MS));
    const phrase = callPhrase(call.label, call.counterName);
    this.dataset.lastCall = phrase.text;
    void this.announcer.announce(phrase);
  }

  private onAnnouncer(e: AnnouncerEvent): void {
    // Visible to tests and to a technician with the developer tools open.
    if (e.type === 'finished') {
      this.dataset.lastSpoken = e.phrase.text;
      this.dataset.spokenCount = String(Number(this.dataset.spokenCount ?? '0') + 1);
      if (e.missingClips.length) console.warn('voice clips missing:', e.missingClips.join(', '));
    } else if (e.type === 'skipped') {
      this.dataset.lastSkipped = `${e.reason}: ${e.phrase.text}`;
    } else if (e.type === 'error') {
      console.warn('call announcement failed:', e.message);
    }
  }

  private async enableSound(): Promise<void> {
    this.soundOn = await this.announcer.unlock();
    if (this.soundOn) this.announcer.preload(ALL_CLIPS);
  }

  static override styles = css`
    :host {
      display: grid; grid-template-rows: auto auto 1fr auto; height: 100vh; overflow: hidden;
      background: #0a1f3f; color: #fff; font-family: "Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif;
    }
    header { display: flex; align-items: center; justify-content: space-between; padding: 18px 40px; background: #061529; border-bottom: 6px solid #ffd24a; }
    .title { font-size: 52px; font-weight: 900; letter-spacing: 0.02em; }
    .subtitle { font-size: 26px; opacity: 0.85; }
    .banner { font-size: 34px; font-weight: 800; padding: 14px 40px; background: #b3261e; color: #fff; text-align: center; }
    main { display: grid; grid-template-columns: 1fr 520px; gap: 32px; padding: 28px 40px; min-height: 0; }
    .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); grid-auto-rows: minmax(230px, 1fr); gap: 24px; align-content: start; min-height: 0; }
    .panel { background: #102a52; border-radius: 22px; padding: 20px 26px; min-height: 0; overflow: hidden; }
    h2 { margin: 0 0 12px; font-size: 36px; color: #ffd24a; }
    ol { list-style: none; margin: 0; padding: 0; }
    li { display: flex; justify-content: space-between; align-items: baseline; font-size: 40px; font-weight: 700; padding: 8px 0; border-bottom: 2px solid #1d3d6e; }
    li:first-child { color: #ffd24a; font-size: 50px; }
    li .to { font-size: 30px; font-weight: 600; opacity: 0.9; }
    .empty { font-size: 30px; opacity: 0.7; }
    footer { display: flex; gap: 18px; padding: 16px 40px 26px; flex-wrap: wrap; }
    .wait { background: #102a52; border-radius: 16px; padding: 12px 22px; font-size: 30px; display: flex; gap: 14px; align-items: center; }
    .wait .prefix { background: #ffd24a; color: #0a1f3f; border-radius: 12px; font-weight: 900; padding: 0 14px; }
    .wait .count { font-weight: 900; font-size: 38px; }
    .overlay { position: fixed; inset: 0; background: rgba(3, 10, 25, 0.82); display: grid; place-items: center; cursor: pointer; border: 0; color: #fff; font: inherit; width: 100%; }
    .overlay .box { background: #fff; color: #0a1f3f; border-radius: 28px; padding: 48px 72px; text-align: center; font-size: 48px; font-weight: 800; }
    .overlay .small { font-size: 28px; font-weight: 500; margin-top: 12px; }
    .notice { grid-row: 2 / 5; display: grid; place-items: center; text-align: center; padding: 40px; }
    .notice h1 { font-size: 72px; margin: 0 0 20px; }
    .notice p { font-size: 36px; max-width: 1300px; }
  `;

  override render() {
    const header = html`
      <header>
        <div>
          <div class="title">ANTRIAN LAYANAN KTP-el</div>
          <div class="subtitle">Silakan menunggu nomor Anda dipanggil</div>
        </div>
        <qd-clock></qd-clock>
      </header>`;
    if (this.link === 'unregistered') {
      return html`${header}
        <section class="notice" data-testid="unregistered">
          <div><h1>Layar antrian belum terdaftar</h1><p>Mohon hubungi petugas atau supervisor untuk mendaftarkan layar ini ke sistem antrian.</p></div>
        </section>`;
    }
    const s = this.state;
    return html`
      ${header}
      ${this.link === 'offline'
        ? html`<div class="banner" role="alert" data-testid="offline-banner">Terputus dari server — menyambung ulang…</div>`
        : html`<div></div>`}
      <main>
        <section class="tiles" aria-label="Loket">
          ${s.counters.map((c) => {
            const flash = this.flashes.get(c.id);
            return html`<qd-counter-tile data-counter=${c.id} .name=${c.name} .label=${c.current?.label ?? ''} ?flash=${!!flash} .recall=${flash?.recall ?? false}></qd-counter-tile>`;
          })}
        </section>
        <section class="panel" aria-label="Panggilan terakhir">
          <h2>Panggilan terakhir</h2>
          ${s.lastCalls.length === 0
            ? html`<p class="empty">Belum ada panggilan.</p>`
            : html`<ol data-testid="last-calls">
                ${s.lastCalls.slice(0, 8).map((c) => html`<li><span>${c.label}</span><span class="to">${c.counterName}</span></li>`)}
              </ol>`}
        </section>
      </main>
      <footer aria-label="Menunggu">
        ${s.waiting.map((w) => html`<div class="wait" data-service=${w.serviceCode}><span class="prefix">${w.prefix}</span><span>${w.nameId}</span><span class="count">${w.count}</span><span>menunggu</span></div>`)}
      </footer>
      ${!this.soundOn && !this.autoplay
        ? html`<button class="overlay" data-testid="sound-overlay" @click=${() => void this.enableSound()}>
            <div class="box">${speakerIcon} Ketuk untuk mengaktifkan suara<div class="small">Suara panggilan antrian akan diputar di layar ini.</div></div>
          </button>`
        : ''}
    `;
  }
}
