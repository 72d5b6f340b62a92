import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { DeviceList } from '../shared/Devices.tsx';
import { formatClock } from '../shared/format.ts';
import { Login } from '../shared/Login.tsx';
import {
  DevicesAnswerSchema, OkSchema, SimPrinterAnswerSchema, SimStateSchema,
  type CardVariant, type DeviceState, type Finger, type PrintedDocument, type SimResident, type SimState,
} from '../shared/schemas.ts';
import { useSession } from '../shared/session.ts';
import { actionFaultText } from '../shared/staff.ts';
import { CARD_VARIANTS, cardVariantLabel, FINGER_ID, limitStroke, normalisePoint, pointerPressure, printerFault, type PadPoint } from './logic.ts';

const SESSION_KEY = 'ktp.session.sim';
const POLL_MS = 2000;
/**
 * The panel is what places simulated fingers, so an account with an enrolled finger cannot put its
 * own finger down from here before it is signed in: say how to get past that.
 */
const SIM_FINGER_HINT = 'Mode demo: letakkan jari dari panel simulator yang sudah masuk di jendela lain (orang uji petugas), atau masuk dengan akun tanpa sidik jari terekam.';

export function SimApp() {
  const s = useSession(SESSION_KEY);
  if (!s.session) return <Login title="Masuk — Panel Simulator" notice={s.endedBecause} fingerHint={SIM_FINGER_HINT} onSignedIn={s.begin} />;
  return <Panel key={s.session.token} sess={s} />;
}

type Sess = ReturnType<typeof useSession>;
interface Msg { tone: 'ok' | 'error'; text: string }

function Panel({ sess }: { sess: Sess }) {
  const session = sess.session!;
  const [state, setState] = useState<SimState | null>(null);
  const [devices, setDevices] = useState<DeviceState[]>([]);
  const [docs, setDocs] = useState<PrintedDocument[]>([]);
  const [unavailable, setUnavailable] = useState(false);
  const [msg, setMsg] = useState<Msg | null>(null);
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    const [st, dev, pr] = await Promise.all([
      sess.call({ path: '/api/sim/state', schema: SimStateSchema }),
      sess.call({ path: '/api/devices', schema: DevicesAnswerSchema }),
      sess.call({ path: '/api/sim/printer', schema: SimPrinterAnswerSchema }),
    ]);
    if (!st.ok && st.fault.kind === 'http' && st.fault.status === 404) {
      setUnavailable(true);
      return;
    }
    if (st.ok) setState(st.value);
    if (dev.ok) setDevices(dev.value.devices);
    else if (st.ok) setDevices(st.value.devices);
    if (pr.ok) setDocs(pr.value.documents);
  }, [sess.call]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  /** one simulator action, then the panel reads the simulators back so it shows what they now hold */
  const act = useCallback(async (what: string, path: string, body: unknown = {}) => {
    setBusy(true);
    const r = await sess.call({ method: 'POST', path, body, schema: OkSchema });
    setBusy(false);
    if (r.ok) setMsg({ tone: 'ok', text: `${what}: berhasil.` });
    else if (!(r.fault.kind === 'http' && r.fault.status === 401)) setMsg({ tone: 'error', text: `${what}: ${actionFaultText(r.fault)}` });
    await refresh();
    return r.ok;
  }, [sess.call, refresh]);

  const header = (
    <header class="staff-top">
      <div class="brand">Panel Simulator — perangkat uji</div>
      <div class="who">
        {session.user.displayName}
        <button type="button" class="btn secondary small" data-testid="logout" onClick={() => void sess.logout()}>Keluar</button>
      </div>
    </header>
  );

  if (unavailable) {
    return (
      <div class="staff sim">
        {header}
        <main class="sim-empty"><p class="banner warn" data-testid="sim-unavailable">Panel simulator hanya tersedia dalam mode demo</p></main>
      </div>
    );
  }
  if (!state) {
    return <div class="staff sim">{header}<main class="sim-empty"><p class="muted">Memuat simulator…</p></main></div>;
  }

  const byId = new Map(state.residents.map((r) => [r.id, r]));
  const finger = state.scanner.fingerOn;
  const card = state.card.inserted;
  const fault = printerFault(devices, state.printer);

  return (
    <div class="staff sim">
      {header}
      {msg && <p class={msg.tone === 'error' ? 'fault sim-msg' : 'okmsg sim-msg'} role={msg.tone === 'error' ? 'alert' : 'status'} data-testid="sim-message">{msg.text}</p>}
      <main class="sim-grid">
        <section class="card sim-people" aria-label="Orang uji">
          <h2>Orang uji</h2>
          {state.residents.map((r) => (
            <Person person={r} busy={busy} act={act}
              fingerOn={finger?.residentId === r.id ? finger.finger : null}
              cardIn={card?.residentId === r.id ? card.variant : null} />
          ))}
        </section>

        <div class="sim-col">
          <section class="card" aria-label="Sekarang">
            <h2>Sekarang di perangkat</h2>
            <dl class="sim-now">
              <dt>Pemindai sidik jari</dt>
              <dd data-testid="scanner-now">
                {finger ? `${byId.get(finger.residentId)?.fullName ?? finger.residentId} — jari ${FINGER_ID[finger.finger] ?? finger.finger}${finger.impression ? `, cetakan ${finger.impression}` : ''}` : 'Kosong'}
              </dd>
              <dt>Pembaca kartu</dt>
              <dd data-testid="card-now">{card ? `Kartu ${byId.get(card.residentId)?.fullName ?? card.residentId} (${cardVariantLabel(card.variant)})` : 'Kosong'}</dd>
            </dl>
            <div class="sim-row">
              <button type="button" class="btn" data-testid="lift-finger" disabled={busy || !finger} onClick={() => void act('Angkat jari', '/api/sim/fingerprint/lift')}>Angkat jari</button>
              <PoorImages busy={busy} act={act} />
              <button type="button" class="btn" data-testid="remove-card" disabled={busy || !card} onClick={() => void act('Ambil kartu', '/api/sim/card/remove')}>Ambil kartu</button>
            </div>
            <h3>Status perangkat</h3>
            <DeviceList devices={devices} />
          </section>

          <SignaturePad sess={sess} />
        </div>

        <section class="card sim-printer" aria-label="Printer">
          <h2>Printer tiket</h2>
          <div class="sim-row">
            <Toggle testId="printer-paper-out" on={state.printer.paperOut} busy={busy} onLabel="Kertas habis — klik untuk mengisi" offLabel="Kertas ada — klik untuk menghabiskan"
              onClick={() => void act(state.printer.paperOut ? 'Kertas diisi' : 'Kertas habis', '/api/sim/printer', { paperOut: !state.printer.paperOut })} />
            <Toggle testId="printer-offline" on={state.printer.offline} busy={busy} onLabel="Printer mati — klik untuk menyalakan" offLabel="Printer menyala — klik untuk mematikan"
              onClick={() => void act(state.printer.offline ? 'Printer dinyalakan' : 'Printer dimatikan', '/api/sim/printer', { offline: !state.printer.offline })} />
          </div>
          <p class={fault ? 'fault' : 'okmsg'} data-testid="printer-status">{fault ?? 'Printer siap'}</p>
          <h3>Hasil cetak ({docs.length})</h3>
          {docs.length === 0 ? <p class="muted">Belum ada yang tercetak.</p> : (
            <div class="slips">
              {[...docs].reverse().map((d) => <Slip doc={d} />)}
            </div>
          )}
        </section>
      </main>
    </div>
  );
}

/** A switch that shows the simulator's state (it changes only once the hub took the change). */
function Toggle({ testId, on, busy, onLabel, offLabel, onClick }: { testId: string; on: boolean; busy: boolean; onLabel: string; offLabel: string; onClick: () => void }) {
  return (
    <button type="button" role="switch" aria-checked={on} class={on ? 'btn danger toggle' : 'btn toggle'} data-testid={testId} disabled={busy} onClick={onClick}>
      {on ? onLabel : offLabel}
    </button>
  );
}

type Act = (what: string, path: string, body?: unknown) => Promise<boolean>;

function Person({ person, busy, act, fingerOn, cardIn }: { person: SimResident; busy: boolean; act: Act; fingerOn: string | null; cardIn: string | null }) {
  const [impression, setImpression] = useState(1);
  const [variant, setVariant] = useState<CardVariant>('good');
  const place = (finger: Finger) => void act(`Letakkan jari ${FINGER_ID[finger]} ${person.fullName}`, '/api/sim/fingerprint/place', { residentId: person.id, finger, impression });
  return (
    <div class={`person${fingerOn || cardIn ? ' active' : ''}`} data-testid={`person-${person.id}`}>
      <div class="person-head">
        <b>{person.fullName}</b>
        <span class="muted">{person.kind === 'operator' ? 'Petugas' : 'Warga'} · NIK <span data-testid={`nik-${person.id}`}>{person.nik ?? person.nikMasked}</span> · {person.id}</span>
        {fingerOn && <span class="badge">Jari di pemindai</span>}
        {cardIn && <span class="badge alt">Kartu di pembaca</span>}
      </div>
      {/* reads "Letakkan jari [kanan] [kiri]" so the row fits the column beside the impression picker */}
      <div class="sim-row" role="group" aria-label={`Letakkan jari ${person.fullName}`}>
        <span class="row-label">Letakkan jari</span>
        <button type="button" class="btn" aria-label="Letakkan jari kanan" data-testid={`place-right-${person.id}`} disabled={busy} onClick={() => place('rightIndex')}>kanan</button>
        <button type="button" class="btn" aria-label="Letakkan jari kiri" data-testid={`place-left-${person.id}`} disabled={busy} onClick={() => place('leftIndex')}>kiri</button>
        <select value={impression} aria-label="Cetakan (1–8)" title="Cetakan jari yang dipakai (1–8)" data-testid={`impression-${person.id}`} onChange={(e) => setImpression(Number(e.currentTarget.value))}>
          {[1, 2, 3, 4, 5, 6, 7, 8].map((n) => <option value={n}>cetakan {n}</option>)}
        </select>
      </div>
      <div class="sim-row" role="group" aria-label={`Kartu ${person.fullName}`}>
        <span class="row-label">Kartu</span>
        <select value={variant} aria-label="Jenis kartu" data-testid={`card-variant-${person.id}`} onChange={(e) => setVariant(e.currentTarget.value as CardVariant)}>
          {CARD_VARIANTS.map((v) => <option value={v.value}>{v.label}</option>)}
        </select>
        <button type="button" class="btn" data-testid={`insert-card-${person.id}`} disabled={busy}
          onClick={() => void act(`Masukkan kartu ${person.fullName}`, '/api/sim/card/insert', { residentId: person.id, variant })}>Masukkan kartu</button>
      </div>
      <p class="muted small variant-explain">{CARD_VARIANTS.find((v) => v.value === variant)?.explain}</p>
    </div>
  );
}

function PoorImages({ busy, act }: { busy: boolean; act: Act }) {
  const [count, setCount] = useState(2);
  return (
    <span class="poor">
      <input type="number" min={1} max={10} value={count} aria-label="Jumlah gambar buruk" data-testid="poor-count"
        onInput={(e) => setCount(Math.min(10, Math.max(1, Number(e.currentTarget.value) || 1)))} />
      <button type="button" class="btn" data-testid="poor-images" disabled={busy}
        onClick={() => void act(`Gambar buruk ×${count}`, '/api/sim/fingerprint/poor-images', { count })}>Gambar buruk ×{count}</button>
    </span>
  );
}

/** Drawing area standing in for the pad: each stroke goes to the pad simulator when the pen lifts. */
function SignaturePad({ sess }: { sess: Sess }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const stroke = useRef<PadPoint[] | null>(null);
  const [sent, setSent] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const ctx = () => canvas.current?.getContext('2d') ?? null;
  const toCanvas = (p: { x: number; y: number }) => {
    const c = canvas.current!;
    return [p.x * c.width, p.y * c.height] as const;
  };

  const down = (e: PointerEvent) => {
    const c = canvas.current;
    if (!c) return;
    e.preventDefault();
    c.setPointerCapture(e.pointerId);
    const p = normalisePoint(e.clientX, e.clientY, c.getBoundingClientRect());
    stroke.current = [{ ...p, pressure: pointerPressure(e.pointerType, e.pressure) }];
    const g = ctx();
    if (g) {
      g.lineWidth = 3;
      g.lineCap = 'round';
      g.lineJoin = 'round';
      g.strokeStyle = '#14213d';
      g.beginPath();
      g.moveTo(...toCanvas(p));
    }
  };
  const move = (e: PointerEvent) => {
    const c = canvas.current;
    if (!c || !stroke.current) return;
    const p = normalisePoint(e.clientX, e.clientY, c.getBoundingClientRect());
    stroke.current.push({ ...p, pressure: pointerPressure(e.pointerType, e.pressure) });
    const g = ctx();
    if (g) {
      g.lineTo(...toCanvas(p));
      g.stroke();
    }
  };
  const up = async () => {
    const points = stroke.current;
    stroke.current = null;
    if (!points) return;
    const r = await sess.call({ method: 'POST', path: '/api/sim/signature/stroke', body: { points: limitStroke(points) }, schema: OkSchema });
    if (r.ok) {
      setSent((n) => n + 1);
      setError(null);
    } else if (!(r.fault.kind === 'http' && r.fault.status === 401)) {
      setError(actionFaultText(r.fault));
    }
  };
  const clear = () => {
    const c = canvas.current;
    c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    setSent(0);
  };

  return (
    <section class="card" aria-label="Alat tanda tangan">
      <h2>Alat tanda tangan</h2>
      <canvas ref={canvas} class="sig-canvas" width={600} height={240} data-testid="sig-canvas"
        onPointerDown={down} onPointerMove={move} onPointerUp={() => void up()} onPointerCancel={() => void up()} />
      <div class="sim-row">
        <span data-testid="sig-sent">Goresan terkirim: {sent}</span>
        <button type="button" class="btn secondary small" onClick={clear}>Bersihkan gambar</button>
      </div>
      <p class="muted small">Gambar dengan mouse atau jari. Setiap goresan dikirim ke alat tanda tangan saat pena diangkat. Layar kiosk/petugas harus memulai perekaman tanda tangan lebih dulu.</p>
      {error && <p class="fault" role="alert">{error}</p>}
    </section>
  );
}

/** A printed document as the paper slip looks: the receipt's own lines, then its QR payloads. */
function Slip({ doc }: { doc: PrintedDocument }) {
  return (
    <article class="slip" data-testid="slip">
      <div class="slip-meta">#{doc.id} · {formatClock(doc.printedAt)}</div>
      <div class="slip-lines">{doc.lines.map((l) => <div>{l || ' '}</div>)}</div>
      {doc.qrCodes.map((q) => (
        <div class="slip-qr">
          <div class="qr-box" aria-hidden="true">QR</div>
          <code>{q}</code>
        </div>
      ))}
    </article>
  );
}
