import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import type { ApiFault } from '../shared/api.ts';
import { DeviceAlerts, DeviceList } from '../shared/Devices.tsx';
import { formatClock, minutesBetween } from '../shared/format.ts';
import { Login } from '../shared/Login.tsx';
import {
  CounterAnswerSchema, CountersAnswerSchema, DevicesAnswerSchema, QueueStateSchema, TicketAnswerSchema,
  type Counter, type DeviceState, type QueueState, type Service, type Ticket,
} from '../shared/schemas.ts';
import { useSession } from '../shared/session.ts';
import { actionFaultText, PRIORITY_ID, SESSION_EXPIRED_TEXT, SIGNED_OUT_TEXT, STATUS_ID } from '../shared/staff.ts';
import { readStored, writeStored } from '../shared/token.ts';
import { counterActions, groupWaiting } from './logic.ts';
import { CollectionPanel } from './Collection.tsx';
import { useCollectionFeed } from './collection-feed.ts';
import { needsOfficer } from './collection-logic.ts';

const SESSION_KEY = 'ktp.session.operator';
const COUNTER_KEY = 'ktp.operator.counter';
/** the tab this PC was last on (a collection desk reopens on collection) */
const TAB_KEY = 'ktp.operator.tab';
type Tab = 'queue' | 'collection';

type Outcome = 'completed' | 'incomplete' | 'referred';
const OUTCOMES: { value: Outcome; label: string }[] = [
  { value: 'completed', label: 'Selesai — layanan tuntas' },
  { value: 'incomplete', label: 'Belum lengkap — berkas kurang' },
  { value: 'referred', label: 'Dirujuk — ke layanan/instansi lain' },
];

export function OperatorApp() {
  const s = useSession(SESSION_KEY);
  if (!s.session) {
    return <Login title="Masuk — Layar Petugas Loket" notice={s.endedBecause} onSignedIn={s.begin} />;
  }
  return <Workplace key={s.session.token} sess={s} />;
}

type Sess = ReturnType<typeof useSession>;

function Workplace({ sess }: { sess: Sess }) {
  const session = sess.session!;
  const [counterId, setCounterId] = useState<string | null>(() => readStored(COUNTER_KEY));
  const [queue, setQueue] = useState<QueueState | null>(null);
  const [devices, setDevices] = useState<DeviceState[]>([]);
  const [online, setOnline] = useState(true);
  const [tab, setTabState] = useState<Tab>(() => (readStored(TAB_KEY) === 'collection' ? 'collection' : 'queue'));
  const setTab = (t: Tab) => { writeStored(TAB_KEY, t); setTabState(t); };
  const feed = useCollectionFeed(sess);

  // Live state: the whole queue on every change, the devices on every change.
  useEffect(() => {
    const socket: Socket = io('/operator', { auth: { token: session.token }, reconnectionDelayMax: 5000 });
    socket.on('connect', () => setOnline(true));
    socket.on('disconnect', () => setOnline(false));
    socket.on('connect_error', (err: Error) => {
      if (err.message === 'SESSION_EXPIRED') sess.end(SESSION_EXPIRED_TEXT);
      else if (err.message === 'UNAUTHORIZED' || err.message === 'FORBIDDEN') sess.end(SIGNED_OUT_TEXT);
      else setOnline(false);
    });
    socket.on('session:expired', () => sess.end(SESSION_EXPIRED_TEXT));
    socket.on('queue:state', (raw: unknown) => {
      const p = QueueStateSchema.safeParse(raw);
      if (p.success) setQueue(p.data);
      else console.warn('queue:state refused', p.error.issues);
    });
    socket.on('devices:state', (raw: unknown) => {
      const p = DevicesAnswerSchema.safeParse(raw);
      if (p.success) setDevices(p.data.devices);
      else console.warn('devices:state refused', p.error.issues);
    });
    feed.attach(socket);
    return () => {
      socket.disconnect();
    };
  }, [session.token]);

  // A stored counter (this PC sits at it) is announced to the hub again for this new session.
  useEffect(() => {
    if (!counterId) return;
    void (async () => {
      const r = await sess.call({ method: 'POST', path: '/api/operator/counter', body: { counterId }, schema: CounterAnswerSchema });
      if (!r.ok && r.fault.kind === 'http' && r.fault.status === 404) chooseCounter(null);
    })();
  }, [session.token]);

  const chooseCounter = (id: string | null) => {
    writeStored(COUNTER_KEY, id);
    setCounterId(id);
  };

  const counter = queue?.counters.find((c) => c.id === counterId) ?? null;

  return (
    <div class="staff operator">
      <header class="staff-top">
        <div class="brand">Layar Petugas{counter ? ` — ${counter.name}` : ''}</div>
        <div class="who">
          {session.user.displayName}
          {counter && (
            <button type="button" class="btn secondary small" data-testid="change-counter" onClick={() => chooseCounter(null)}>
              Ganti loket
            </button>
          )}
          <button type="button" class="btn secondary small" data-testid="logout" onClick={() => void sess.logout()}>
            Keluar
          </button>
        </div>
      </header>
      {!online && <p class="banner error" role="alert" data-testid="offline-banner">Terputus dari server — menyambung ulang…</p>}
      <DeviceAlerts devices={devices} />
      <nav class="tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'queue'} class={tab === 'queue' ? 'tab on' : 'tab'} data-testid="tab-queue" onClick={() => setTab('queue')}>
          Antrian
        </button>
        <button type="button" role="tab" aria-selected={tab === 'collection'} class={tab === 'collection' ? 'tab on' : 'tab'} data-testid="tab-collection" onClick={() => setTab('collection')}>
          Pengambilan KTP-el
          {feed.sessions.some(needsOfficer) ? <span class="tab-count" data-testid="tab-collection-attn">{feed.sessions.filter(needsOfficer).length}</span> : null}
        </button>
      </nav>
      {tab === 'collection' ? (
        <CollectionPanel sess={sess} feed={feed} devices={devices} />
      ) : counterId && !queue ? (
        <main class="picker"><p class="muted">Memuat antrian…</p></main>
      ) : counterId && counter && queue ? (
        <CounterDesk sess={sess} queue={queue} counter={counter} devices={devices} />
      ) : (
        <CounterPicker sess={sess} onChosen={chooseCounter} storedMissing={!!counterId && !!queue && !counter} />
      )}
    </div>
  );
}

function CounterPicker({ sess, onChosen, storedMissing }: { sess: Sess; onChosen: (id: string) => void; storedMissing: boolean }) {
  const [counters, setCounters] = useState<Counter[] | null>(null);
  const [error, setError] = useState<string | null>(storedMissing ? 'Loket yang dipilih sebelumnya tidak ada lagi. Pilih loket Anda.' : null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void (async () => {
      const r = await sess.call({ path: '/api/counters', schema: CountersAnswerSchema });
      if (r.ok) setCounters(r.value.counters);
      else setError(actionFaultText(r.fault));
    })();
  }, [sess.call]);

  const pick = async (id: string) => {
    setBusy(true);
    const r = await sess.call({ method: 'POST', path: '/api/operator/counter', body: { counterId: id }, schema: CounterAnswerSchema });
    setBusy(false);
    if (r.ok) onChosen(r.value.counter.id);
    else setError(actionFaultText(r.fault));
  };

  return (
    <main class="picker">
      <h1>Pilih loket tempat Anda bertugas</h1>
      {error && <p class="fault" role="alert">{error}</p>}
      {!counters ? (
        <p class="muted">Memuat daftar loket…</p>
      ) : (
        <div class="counter-grid">
          {counters.map((c) => (
            <button type="button" class="btn counter-choice" data-testid={`counter-${c.id}`} disabled={busy} onClick={() => void pick(c.id)}>
              <span class="counter-name">{c.name}</span>
              <span class="muted">Layanan: {c.serviceCodes.join(', ')}</span>
              {c.current && <span class="muted">Sedang: {c.current.label}</span>}
            </button>
          ))}
        </div>
      )}
    </main>
  );
}

interface Msg { tone: 'ok' | 'error'; text: string }

function CounterDesk({ sess, queue, counter, devices }: { sess: Sess; queue: QueueState; counter: Counter; devices: DeviceState[] }) {
  const current = counter.current;
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<Msg | null>(null);
  const [dialog, setDialog] = useState<'finish' | 'transfer' | null>(null);
  // RECALL_FIRST answers, per ticket: the recall count at the time (the hub does not publish the rule)
  const refused = useRef(new Map<string, number>());
  const [now, setNow] = useState(new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  // a message about the previous ticket goes when the next one is called
  useEffect(() => {
    if (current) setMsg((m) => (m?.tone === 'error' ? null : m));
  }, [current?.id]);

  const services = new Map(queue.services.map((s) => [s.code, s]));
  const acts = counterActions(current, queue.minRecallsForNoShow, current ? refused.current.get(current.id) : undefined);

  const act = useCallback(async (what: string, path: string, body?: unknown, ok?: (t: Ticket) => string) => {
    setBusy(true);
    setMsg(null);
    const r = await sess.call({ method: 'POST', path, body, schema: TicketAnswerSchema });
    setBusy(false);
    if (r.ok) {
      setMsg(ok ? { tone: 'ok', text: ok(r.value.ticket) } : null);
      return true;
    }
    const f: ApiFault = r.fault;
    if (f.kind === 'http' && f.code === 'RECALL_FIRST' && current) refused.current.set(current.id, current.recallCount);
    if (f.kind === 'http' && f.status === 401) return false;
    setMsg({ tone: 'error', text: `${what}: ${actionFaultText(f)}` });
    return false;
  }, [sess.call, current?.id, current?.recallCount]);

  const groups = groupWaiting(queue.waiting, queue.services.map((s) => s.code), counter.serviceCodes);
  const waitingMine = queue.waiting.filter((t) => counter.serviceCodes.includes(t.serviceCode) && (!t.targetCounterId || t.targetCounterId === counter.id)).length;

  return (
    <main class="desk">
      <section class="current card" data-testid="current">
        <h2>Nomor di loket ini</h2>
        {current ? (
          <div class="current-ticket">
            <p class="current-label" data-testid="current-label">{current.label}</p>
            <p class="current-service">{services.get(current.serviceCode)?.nameId ?? current.serviceCode}</p>
            <p>
              <span class={`status ${current.status}`} data-testid="current-status">{STATUS_ID[current.status]}</span>
              {current.priority !== 'none' && <span class="badge">{PRIORITY_ID[current.priority]}</span>}
            </p>
            <dl class="facts">
              <dt>NIK</dt><dd>{current.nikMasked}</dd>
              <dt>Panggil ulang</dt><dd data-testid="recall-count">{current.recallCount}×</dd>
              <dt>Ambil nomor</dt><dd>{formatClock(current.issuedAt)}</dd>
              {current.calledAt && <><dt>Dipanggil</dt><dd>{formatClock(current.calledAt)}</dd></>}
              {current.startedAt && <><dt>Mulai dilayani</dt><dd>{formatClock(current.startedAt)}</dd></>}
            </dl>
          </div>
        ) : (
          <p class="current-empty" data-testid="current-empty">Belum ada nomor. {waitingMine > 0 ? `${waitingMine} warga menunggu.` : 'Tidak ada yang menunggu.'}</p>
        )}
        <div class="actions">
          <Action testId="call-next" label="Panggil berikutnya" primary state={acts.callNext} busy={busy}
            onClick={() => void act('Panggil berikutnya', `/api/counters/${counter.id}/call-next`, undefined, (t) => `${t.label} dipanggil ke ${counter.name}.`)} />
          <Action testId="recall" label={`Panggil ulang${current ? ` (${current.recallCount}×)` : ''}`} state={acts.recall} busy={busy}
            onClick={() => current && void act('Panggil ulang', `/api/tickets/${current.id}/recall`, undefined, (t) => `${t.label} dipanggil ulang (${t.recallCount}×).`)} />
          <Action testId="start" label="Mulai layani" state={acts.start} busy={busy}
            onClick={() => current && void act('Mulai layani', `/api/tickets/${current.id}/start`)} />
          <Action testId="no-show" label="Tidak hadir" state={acts.noShow} busy={busy} danger
            onClick={() => current && void act('Tidak hadir', `/api/tickets/${current.id}/no-show`, undefined, (t) => `${t.label} dicatat tidak hadir.`)} />
          <Action testId="finish" label="Selesai…" state={acts.finish} busy={busy} onClick={() => setDialog('finish')} />
          <Action testId="transfer" label="Alihkan…" state={acts.transfer} busy={busy} onClick={() => setDialog('transfer')} />
        </div>
        {msg && <p class={msg.tone === 'error' ? 'fault' : 'okmsg'} role={msg.tone === 'error' ? 'alert' : 'status'} data-testid="action-message">{msg.text}</p>}
      </section>

      <section class="waiting card" aria-label="Antrian menunggu">
        <h2>Menunggu ({queue.waiting.length})</h2>
        <div class="waiting-groups">
          {groups.map((g) => (
            <div class={g.mine ? 'wgroup mine' : 'wgroup'} data-service={g.serviceCode}>
              <h3>
                {services.get(g.serviceCode)?.prefix ?? g.serviceCode} · {services.get(g.serviceCode)?.nameId ?? g.serviceCode}
                <span class="count">{g.tickets.length}</span>
              </h3>
              {g.tickets.length === 0 ? (
                <p class="muted small">Kosong</p>
              ) : (
                <ol class="wlist">
                  {g.tickets.map((t) => (
                    <li>
                      <span class="wlabel">{t.label}</span>
                      {t.priority !== 'none' && <span class="badge">{PRIORITY_ID[t.priority]}</span>}
                      {t.targetCounterId && <span class="badge alt">→ {queue.counters.find((c) => c.id === t.targetCounterId)?.name ?? t.targetCounterId}</span>}
                      <span class="wtime">{minutesBetween(t.issuedAt, now)} mnt</span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
          ))}
        </div>
      </section>

      <section class="devices-card card" aria-label="Perangkat">
        <h2>Perangkat</h2>
        <DeviceList devices={devices} />
      </section>

      {dialog === 'finish' && current && (
        <FinishDialog ticket={current} busy={busy} onCancel={() => setDialog(null)}
          onSubmit={async (outcome, note) => {
            const ok = await act('Selesai', `/api/tickets/${current.id}/finish`, note ? { outcome, note } : { outcome }, (t) => `${t.label} selesai.`);
            if (ok) setDialog(null);
          }} />
      )}
      {dialog === 'transfer' && current && (
        <TransferDialog ticket={current} services={queue.services} counters={queue.counters.filter((c) => c.id !== counter.id)} busy={busy} onCancel={() => setDialog(null)}
          onSubmit={async (body) => {
            const ok = await act('Alihkan', `/api/tickets/${current.id}/transfer`, body, (t) => `${t.label} dialihkan.`);
            if (ok) setDialog(null);
          }} />
      )}
    </main>
  );
}

function Action({ testId, label, state, busy, primary, danger, onClick }: {
  testId: string; label: string; state: { enabled: boolean; hint?: string }; busy: boolean; primary?: boolean; danger?: boolean; onClick: () => void;
}) {
  const cls = primary ? 'btn primary' : danger ? 'btn danger' : 'btn';
  return (
    <div class="action">
      <button type="button" class={cls} data-testid={testId} disabled={!state.enabled || busy} onClick={onClick}>{label}</button>
      {!state.enabled && state.hint && <span class="hint" data-testid={`${testId}-hint`}>{state.hint}</span>}
    </div>
  );
}

function FinishDialog({ ticket, busy, onCancel, onSubmit }: { ticket: Ticket; busy: boolean; onCancel: () => void; onSubmit: (o: Outcome, note: string) => void }) {
  const [outcome, setOutcome] = useState<Outcome>('completed');
  const [note, setNote] = useState('');
  const needsNote = outcome !== 'completed';
  return (
    <div class="dialog-back" role="dialog" aria-modal="true" aria-label="Selesai">
      <form class="dialog card" data-testid="finish-dialog" onSubmit={(e) => { e.preventDefault(); if (!needsNote || note.trim()) onSubmit(outcome, note.trim()); }}>
        <h2>Selesaikan {ticket.label}</h2>
        <fieldset>
          <legend>Hasil layanan</legend>
          {OUTCOMES.map((o) => (
            <label class="radio-row">
              <input type="radio" name="outcome" value={o.value} checked={outcome === o.value} onChange={() => setOutcome(o.value)} data-testid={`outcome-${o.value}`} />
              {o.label}
            </label>
          ))}
        </fieldset>
        <label>
          Catatan {needsNote ? '(wajib: apa yang kurang / dirujuk ke mana)' : '(boleh dikosongkan)'}
          <textarea rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} data-testid="finish-note" maxLength={500} />
        </label>
        <div class="dialog-actions">
          <button type="button" class="btn secondary" onClick={onCancel}>Batal</button>
          <button type="submit" class="btn primary" data-testid="finish-submit" disabled={busy || (needsNote && !note.trim())}>Simpan</button>
        </div>
      </form>
    </div>
  );
}

function TransferDialog({ ticket, services, counters, busy, onCancel, onSubmit }: {
  ticket: Ticket; services: Service[]; counters: Counter[]; busy: boolean; onCancel: () => void; onSubmit: (b: { serviceCode?: string; counterId?: string }) => void;
}) {
  const [serviceCode, setServiceCode] = useState('');
  const [counterId, setCounterId] = useState('');
  // only counters that serve the (new) service can take the ticket
  const targetService = serviceCode || ticket.serviceCode;
  const fitting = counters.filter((c) => c.serviceCodes.includes(targetService));
  useEffect(() => {
    if (counterId && !fitting.some((c) => c.id === counterId)) setCounterId('');
  }, [targetService]);
  const body: { serviceCode?: string; counterId?: string } = {};
  if (serviceCode) body.serviceCode = serviceCode;
  if (counterId) body.counterId = counterId;
  return (
    <div class="dialog-back" role="dialog" aria-modal="true" aria-label="Alihkan">
      <form class="dialog card" data-testid="transfer-dialog" onSubmit={(e) => { e.preventDefault(); if (serviceCode || counterId) onSubmit(body); }}>
        <h2>Alihkan {ticket.label}</h2>
        <p class="muted">Nomor kembali ke antrian untuk layanan atau loket yang dipilih.</p>
        <label>
          Ke layanan
          <select value={serviceCode} onChange={(e) => setServiceCode(e.currentTarget.value)} data-testid="transfer-service">
            <option value="">(layanan tetap)</option>
            {services.filter((s) => s.code !== ticket.serviceCode).map((s) => <option value={s.code}>{s.prefix} · {s.nameId}</option>)}
          </select>
        </label>
        <label>
          Ke loket
          <select value={counterId} onChange={(e) => setCounterId(e.currentTarget.value)} data-testid="transfer-counter">
            <option value="">(loket mana saja)</option>
            {fitting.map((c) => <option value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <div class="dialog-actions">
          <button type="button" class="btn secondary" onClick={onCancel}>Batal</button>
          <button type="submit" class="btn primary" data-testid="transfer-submit" disabled={busy || (!serviceCode && !counterId)}>Alihkan</button>
        </div>
      </form>
    </div>
  );
}
