import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { io } from 'socket.io-client';
import { DeviceAlerts, DeviceList } from '../shared/Devices.tsx';
import { formatMinutes } from '../shared/format.ts';
import { Login } from '../shared/Login.tsx';
import {
  ClarificationsAnswerSchema, DcStatusSchema, DevicesAnswerSchema,
  type Clarification, type DcStatus, type DeviceState,
} from '../shared/schemas.ts';
import { SupervisorStatsSchema, type SupervisorStats } from '../shared/collection-schemas.ts';
import { useSession } from '../shared/session.ts';
import { actionFaultText, SESSION_EXPIRED_TEXT, SIGNED_OUT_TEXT } from '../shared/staff.ts';
import { ClarificationsTab } from './Clarifications.tsx';
import { DataCenterTab } from './DataCenter.tsx';
import { FingersTab } from './Fingers.tsx';
import { collectionStepRows, dcHealth, isOverStandard, SOP_STEPS, totals } from './logic.ts';

type Tab = 'stats' | 'fingers' | 'dc' | 'clarifications';
const DC_POLL_MS = 5000;

const SESSION_KEY = 'ktp.session.supervisor';

export function SupervisorApp() {
  const s = useSession(SESSION_KEY);
  if (!s.session) {
    return (
      <Login
        title="Masuk — Supervisor"
        notice={s.endedBecause}
        accept={(a) => (a.role === 'supervisor' ? null : 'Akun ini bukan akun supervisor. Gunakan layar petugas (/operator/).')}
        onSignedIn={s.begin}
      />
    );
  }
  return <Dashboard key={s.session.token} sess={s} />;
}

type Sess = ReturnType<typeof useSession>;

function Dashboard({ sess }: { sess: Sess }) {
  const session = sess.session!;
  // null: today at the service point. The hub keys its figures by its own zone (config.timezone);
  // this browser's clock may be in another zone, or a PC whose zone was never set, so the page asks
  // the hub for "today" rather than computing it (a UTC browser showed yesterday's empty figures
  // between midnight and 07:00 WIB).
  const [day, setDay] = useState<string | null>(null);
  const [hubToday, setHubToday] = useState<string | null>(null);
  const [stats, setStats] = useState<SupervisorStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [devices, setDevices] = useState<DeviceState[]>([]);
  const [online, setOnline] = useState(true);
  const [downloading, setDownloading] = useState(false);
  const [tab, setTab] = useState<Tab>('stats');
  const [guidance, setGuidance] = useState<string | null>(null);
  const [dc, setDc] = useState<DcStatus | null>(null);
  const [dcError, setDcError] = useState<string | null>(null);
  const [clarifications, setClarifications] = useState<Clarification[] | null>(null);

  // The DC link and the open clarifications are read every 5 s whatever the tab, so the tab labels
  // can warn (red DC, a count of open cases) while the supervisor looks at something else.
  const loadDc = useCallback(async () => {
    const [d, c] = await Promise.all([
      sess.call({ path: '/api/supervisor/dc', schema: DcStatusSchema }),
      sess.call({ path: '/api/supervisor/clarifications', schema: ClarificationsAnswerSchema }),
    ]);
    if (d.ok) { setDc(d.value); setDcError(null); } else if (!(d.fault.kind === 'http' && d.fault.status === 401)) setDcError(actionFaultText(d.fault));
    if (c.ok) setClarifications(c.value.clarifications);
  }, [sess.call]);
  useEffect(() => {
    void loadDc();
    const timer = setInterval(() => void loadDc(), DC_POLL_MS);
    return () => clearInterval(timer);
  }, [loadDc]);

  const load = useCallback(async (d: string | null) => {
    const r = await sess.call({ path: d ? `/api/supervisor/stats?day=${encodeURIComponent(d)}` : '/api/supervisor/stats', schema: SupervisorStatsSchema });
    if (r.ok) {
      setStats(r.value);
      if (d === null) setHubToday(r.value.day);
      setError(null);
    } else if (!(r.fault.kind === 'http' && r.fault.status === 401)) {
      setError(actionFaultText(r.fault));
    }
  }, [sess.call]);

  useEffect(() => void load(day), [day, load]);
  const shown = useRef({ day, hubToday, load });
  shown.current = { day, hubToday, load };

  useEffect(() => {
    const socket = io('/supervisor', { auth: { token: session.token }, reconnectionDelayMax: 5000 });
    socket.on('connect', () => setOnline(true));
    socket.on('disconnect', () => setOnline(false));
    socket.on('connect_error', (err: Error) => {
      if (err.message === 'SESSION_EXPIRED') sess.end(SESSION_EXPIRED_TEXT);
      else if (err.message === 'UNAUTHORIZED' || err.message === 'FORBIDDEN') sess.end(SIGNED_OUT_TEXT);
      else setOnline(false);
    });
    socket.on('session:expired', () => sess.end(SESSION_EXPIRED_TEXT));
    socket.on('devices:state', (raw: unknown) => {
      const p = DevicesAnswerSchema.safeParse(raw);
      if (p.success) setDevices(p.data.devices);
    });
    socket.on('fingerprint:event', (raw: unknown) => {
      const ev = (raw as { event?: unknown } | null)?.event;
      if (typeof ev === 'string') setGuidance(ev);
    });
    // The figures of the shown day are fetched again when the hub says they changed.
    // Showing today, a change on a later day means the hub's day has turned: follow it.
    socket.on('stats:changed', (raw: unknown) => {
      const changed = (raw as { day?: unknown } | null)?.day;
      if (typeof changed !== 'string') return;
      const cur = shown.current;
      if (cur.day === null ? changed >= (cur.hubToday ?? '') : changed === cur.day) void cur.load(cur.day);
    });
    return () => {
      socket.disconnect();
    };
  }, [session.token]);

  const download = async () => {
    setDownloading(true);
    const csvDay = day ?? hubToday;
    const r = await sess.raw({ path: csvDay ? `/api/supervisor/stats.csv?day=${encodeURIComponent(csvDay)}` : '/api/supervisor/stats.csv', headers: { Accept: 'text/csv' } });
    setDownloading(false);
    if (!r.ok) {
      if (!(r.fault.kind === 'http' && r.fault.status === 401)) setError(actionFaultText(r.fault));
      return;
    }
    // A plain link cannot carry the bearer token: fetch, then save the blob.
    const blob = await r.value.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `antrian-${csvDay ?? 'hari-ini'}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const sum = stats ? totals(stats.services) : null;

  return (
    <div class="staff supervisor">
      <header class="staff-top">
        <div class="brand">Supervisor — Antrian KTP-el</div>
        <div class="who">
          {session.user.displayName}
          <button type="button" class="btn secondary small" data-testid="logout" onClick={() => void sess.logout()}>Keluar</button>
        </div>
      </header>
      {!online && <p class="banner error" role="alert">Terputus dari server — menyambung ulang…</p>}
      <DeviceAlerts devices={devices} />
      <nav class="tabs" role="tablist">
        {([
          ['stats', 'Statistik harian', null],
          ['fingers', 'Sidik jari petugas', null],
          ['dc', 'Pusat data (DC)', dc ? dcHealth(dc).tone : null],
          ['clarifications', 'Klarifikasi data ganda', clarifications?.length ? String(clarifications.length) : null],
        ] as const).map(([id, label, mark]) => (
          <button type="button" role="tab" aria-selected={tab === id} class={tab === id ? 'tab on' : 'tab'} data-testid={`tab-${id}`} onClick={() => setTab(id)}>
            {label}
            {mark === 'ok' || mark === 'warn' || mark === 'error' ? <span class={`tab-dot ${mark}`} aria-hidden="true" /> : mark ? <span class="tab-count">{mark}</span> : null}
          </button>
        ))}
      </nav>
      {tab === 'fingers' && <main class="sup"><FingersTab sess={sess} guidance={guidance} onCaptureStart={() => setGuidance(null)} /></main>}
      {tab === 'dc' && <main class="sup"><DataCenterTab sess={sess} dc={dc} error={dcError} reload={loadDc} /></main>}
      {tab === 'clarifications' && <main class="sup"><ClarificationsTab sess={sess} items={clarifications} reload={loadDc} /></main>}
      {tab === 'stats' && <main class="sup">
        <section class="card">
          <div class="toolbar">
            <label>
              Hari
              <input type="date" value={day ?? hubToday ?? ''} max={hubToday ?? undefined} data-testid="day" onChange={(e) => e.currentTarget.value && setDay(e.currentTarget.value === hubToday ? null : e.currentTarget.value)} />
            </label>
            <button type="button" class="btn secondary" data-testid="day-today" onClick={() => setDay(null)}>Hari ini</button>
            <button type="button" class="btn primary" data-testid="download-csv" disabled={downloading} onClick={() => void download()}>
              {downloading ? 'Mengunduh…' : 'Unduh CSV'}
            </button>
          </div>
          {error && <p class="fault" role="alert" data-testid="stats-error">{error}</p>}
        </section>

        <section class="card">
          <h2>Kinerja per layanan — {stats?.day ?? day ?? 'hari ini'}</h2>
          {!stats ? (
            <p class="muted">Memuat…</p>
          ) : (
            <table class="stats" data-testid="stats">
              <thead>
                <tr>
                  <th>Layanan</th>
                  <th>Nomor diambil</th>
                  <th>Dilayani</th>
                  <th>Tidak hadir</th>
                  <th>Menunggu sekarang</th>
                  <th>Rata-rata tunggu (menit)</th>
                  <th>P90 tunggu (menit)</th>
                  <th>Rata-rata layanan (menit)</th>
                  <th>Standar SOP (menit)</th>
                  <th>Melebihi standar</th>
                </tr>
              </thead>
              <tbody>
                {stats.services.map((r) => {
                  const over = isOverStandard(r);
                  return (
                    <tr data-service={r.serviceCode}>
                      <td><b>{r.serviceCode}</b> · {r.nameId}</td>
                      <td>{r.issued}</td>
                      <td>{r.served}</td>
                      <td>{r.noShow}</td>
                      <td>{r.waitingNow}</td>
                      <td>{formatMinutes(r.avgWaitMinutes)}</td>
                      <td>{formatMinutes(r.p90WaitMinutes)}</td>
                      <td class={over ? 'over' : ''} data-testid={`avg-service-${r.serviceCode}`}>
                        {formatMinutes(r.avgServiceMinutes)}{over ? ' ▲' : ''}
                      </td>
                      <td>{r.standardMinutes}</td>
                      <td class={r.overStandardCount > 0 ? 'over' : ''}>{r.overStandardCount}</td>
                    </tr>
                  );
                })}
              </tbody>
              {sum && (
                <tfoot>
                  <tr>
                    <td>Jumlah</td>
                    <td>{sum.issued}</td>
                    <td>{sum.served}</td>
                    <td>{sum.noShow}</td>
                    <td>{sum.waitingNow}</td>
                    <td colSpan={4} />
                    <td>{sum.overStandardCount}</td>
                  </tr>
                </tfoot>
              )}
            </table>
          )}
          <p class="legend">Merah ▲: rata-rata waktu layanan melebihi standar SOP layanan itu. "Melebihi standar": jumlah layanan yang lebih lama dari standar.</p>
        </section>

        {stats?.collection && (
          <section class="card" data-testid="collection-stats">
            <h2>Pengambilan KTP-el — {stats.day}</h2>
            <div class="sop">
              <div><b data-testid="coll-berhasil">{stats.collection.berhasil}</b><br />berhasil</div>
              <div><b data-testid="coll-gagal">{stats.collection.gagal}</b><br />gagal (kartu dikembalikan)</div>
              <div><b>{stats.collection.cancelled}</b><br />dibatalkan petugas</div>
              <div><b>{stats.collection.abandoned}</b><br />ditinggalkan di kios</div>
              <div><b>{stats.collection.started}</b><br />sesi dimulai</div>
            </div>
            <table class="stats" data-testid="collection-steps">
              <thead>
                <tr><th>Tahap</th><th>Jumlah</th><th>Median waktu</th><th>Standar SOP</th><th>Dalam standar</th><th>Melebihi standar</th></tr>
              </thead>
              <tbody>
                {collectionStepRows(stats.collection).map((r) => (
                  <tr data-step={r.id}>
                    <td>{r.name}</td>
                    <td>{r.count}</td>
                    <td class={r.over ? 'over' : ''} data-testid={`coll-median-${r.id}`}>{r.median}{r.over ? ' ▲' : ''}</td>
                    <td>{r.standard}</td>
                    <td data-testid={`coll-within-${r.id}`}>{r.within}</td>
                    <td class={r.overCount > 0 ? 'over' : ''}>{r.overCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p class="legend">Median: separuh pengambilan lebih cepat dari waktu ini. Merah ▲: median melebihi standar SOP (B2 verifikasi 2 menit, B3 penyerahan 1 menit).</p>
          </section>
        )}

        <section class="card">
          <h2>Standar waktu SOP per tahap</h2>
          <div class="sop">
            {SOP_STEPS.map((s) => (
              <div><b>{s.minutes} menit</b><br />{s.name}</div>
            ))}
          </div>
        </section>

        <section class="card">
          <h2>Perangkat</h2>
          <DeviceList devices={devices} />
        </section>
      </main>}
    </div>
  );
}
