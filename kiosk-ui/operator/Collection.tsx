/**
 * "Pengambilan KTP-el": the officer follows every collection session live and helps where the
 * resident or the kiosk cannot go on (take over a step, confirm the old KTP, override a finger with
 * a supervisor's PIN, resume a held session, cancel, reprint, close), beside the day's card stock.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiRequest, type ApiFault } from '../shared/api.ts';
import { CollectionViewSchema, OkAnswerSchema, type CollectionView, type StockItem } from '../shared/collection-schemas.ts';
import { DeviceList } from '../shared/Devices.tsx';
import { formatClock } from '../shared/format.ts';
import type { DeviceState } from '../shared/schemas.ts';
import type { useSession } from '../shared/session.ts';
import { SESSION_EXPIRED_TEXT, SIGNED_OUT_TEXT } from '../shared/staff.ts';
import type { CollectionFeed } from './collection-feed.ts';
import {
  collectionActions, collectionFaultText, DATA_FIELD_ID, FINGER_ID, fingerText, guidanceText, heldText, IDENTIFIED_BY_ID, isLive,
  isOwnSessionFault, lastTryText, needsOfficer, noticeText, OLD_KTP_ID, overridableFingers, overrideFormProblem, returnReasonOk,
  sortSessions, STEP_ID, STEPPER, stepperState, type ActionState, type Finger,
} from './collection-logic.ts';

type Sess = ReturnType<typeof useSession>;
interface Msg { tone: 'ok' | 'error'; text: string }

export function CollectionPanel({ sess, feed, devices }: { sess: Sess; feed: CollectionFeed; devices: DeviceState[] }) {
  const sessions = sortSessions(feed.sessions);
  const [selected, setSelected] = useState<string | null>(null);
  const shown = sessions.find((s) => s.id === selected) ?? sessions.find((s) => isLive(s.step)) ?? sessions[0] ?? null;

  return (
    <main class="coll" data-testid="collection-panel">
      <section class="card coll-list" aria-label="Sesi pengambilan">
        <h2>Sesi di kios ({sessions.length})</h2>
        {sessions.length === 0 ? (
          <p class="muted" data-testid="collection-empty">Belum ada warga yang mengambil KTP-el di kios.</p>
        ) : (
          <ul class="sess-list">
            {sessions.map((s) => (
              <li>
                <button type="button" class={`sess-item${shown?.id === s.id ? ' on' : ''}${needsOfficer(s) ? ' attn' : ''}`} data-testid={`session-${s.id}`} onClick={() => setSelected(s.id)}>
                  <span class="sess-name">{s.caseRecord.fullName}</span>
                  <span class={`sess-step step-${s.step}`}>{STEP_ID[s.step]}</span>
                  {needsOfficer(s) && <span class="badge">Perlu petugas</span>}
                </button>
              </li>
            ))}
          </ul>
        )}
        <h2 class="coll-dev-title">Perangkat</h2>
        <DeviceList devices={devices} />
      </section>
      {shown ? <SessionDetail key={shown.id} sess={sess} feed={feed} v={shown} /> : <section class="card coll-detail"><p class="muted">Pilih sesi di sebelah kiri.</p></section>}
      <StockLists sess={sess} feed={feed} />
    </main>
  );
}

function SessionDetail({ sess, feed, v }: { sess: Sess; feed: CollectionFeed; v: CollectionView }) {
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [msg, setMsg] = useState<Msg | null>(null);
  const [dialog, setDialog] = useState<'override' | 'cancel' | null>(null);
  const acts = collectionActions(v);
  const st = stepperState(v);
  const guide = feed.guidance[v.id];
  const base = `/api/collections/${v.id}`;

  /** One POST whose answer is the session's new view. */
  const act = async (what: string, path: string, body?: unknown, ok?: (n: CollectionView) => string | null, timeoutMs?: number): Promise<boolean> => {
    setMsg(null);
    const r = await sess.call({ method: 'POST', path, body, schema: CollectionViewSchema, ...(timeoutMs ? { timeoutMs } : {}) });
    if (r.ok) {
      feed.apply(r.value);
      const text = ok?.(r.value);
      if (text) setMsg({ tone: 'ok', text });
      return true;
    }
    if (!(r.fault.kind === 'http' && r.fault.status === 401)) setMsg({ tone: 'error', text: `${what}: ${collectionFaultText(r.fault)}` });
    return false;
  };
  const run = async (fn: () => Promise<unknown>) => { setBusy(true); try { await fn(); } finally { setBusy(false); } };

  const scan = async () => {
    setScanning(true);
    // the hub waits for the finger (up to its capture time-out) before it answers
    await act('Pindai sidik jari', `${base}/fingerprint`, undefined, (n) => lastTryText(n.lastTry), 60_000);
    setScanning(false);
  };

  const close = () => run(async () => {
    setMsg(null);
    const r = await sess.call({ method: 'POST', path: `${base}/close`, schema: OkAnswerSchema });
    if (r.ok) feed.forget(v.id);
    else if (!(r.fault.kind === 'http' && r.fault.status === 401)) setMsg({ tone: 'error', text: `Tutup sesi: ${collectionFaultText(r.fault)}` });
  });

  const chip = v.chip;
  return (
    <section class="card coll-detail" data-testid="collection-detail" data-step={v.step}>
      <div class="coll-head">
        <div>
          <p class="coll-name" data-testid="collection-name">{v.caseRecord.fullName}</p>
          <dl class="facts">
            <dt>NIK</dt><dd data-testid="collection-nik">{v.caseRecord.nikMasked}</dd>
            <dt>No. seri kartu</dt><dd data-testid="collection-serial">{v.caseRecord.cardSerial}</dd>
            <dt>Kios</dt><dd>{v.kioskId ?? 'petugas'}</dd>
            <dt>Mulai</dt><dd>{formatClock(v.startedAt)} ({IDENTIFIED_BY_ID[v.identifiedBy]})</dd>
          </dl>
        </div>
        {chip && <img class="chip-photo" src={chip.faceDataUrl} alt={`Foto dari chip: ${v.caseRecord.fullName}`} data-testid="chip-photo" />}
      </div>

      <ol class="stepper" data-testid="stepper" aria-label="Langkah">
        {STEPPER.map((s, i) => {
          const cls = i < st.index ? 'done' : i === st.index ? (st.stoppedAt === null ? 'now' : `stop ${v.step}`) : 'todo';
          return <li class={cls} aria-current={i === st.index ? 'step' : undefined} data-testid={i === st.index ? 'stepper-current' : undefined}>{s.label}</li>;
        })}
      </ol>
      <p class={`coll-status step-${v.step}`} data-testid="collection-step">{STEP_ID[v.step]}</p>

      {noticeText(v.notice) && <p class="banner warn coll-banner" role="alert" data-testid="collection-notice">⚠ {noticeText(v.notice)}</p>}
      {v.cardAway && !v.notice && <p class="banner warn coll-banner" role="alert" data-testid="collection-notice">⚠ {noticeText({ code: 'CARD_REMOVED', message: '' })}</p>}
      {v.reading && <p class="coll-live" data-testid="collection-reading"><span class="spinner" aria-hidden="true" /> Membaca chip kartu…</p>}
      {heldText(v.held) && <p class="fault" role="alert" data-testid="collection-held">{heldText(v.held)}</p>}
      {v.discrepancy && (
        <p class="fault" data-testid="collection-discrepancy">
          Data yang dilaporkan salah: {v.discrepancy.fields.map((f) => DATA_FIELD_ID[f] ?? f).join(', ')}{v.discrepancy.note ? ` — catatan warga: "${v.discrepancy.note}"` : ''}
        </p>
      )}
      {v.failure && <p class="fault" role="alert" data-testid="collection-failure">Gagal: {v.failure}. Kartu disimpan untuk dikembalikan ke Kemendagri.</p>}
      {v.endReason && <p class="muted" data-testid="collection-end-reason">Alasan berakhir: {v.endReason}</p>}

      <div class="coll-body">
        <div class="coll-info">
          {chip && (
            <div class="coll-block">
              <h3>Data kartu</h3>
              <p class="pa-ok" data-testid="passive-auth">✔ Data chip asli (autentikasi pasif sah) — penanda tangan: {chip.passiveAuth.signer}</p>
              <table class="stats plain compare" data-testid="comparison">
                <thead><tr><th>Data</th><th>Di chip</th><th>Di catatan kantor</th><th>Hasil</th></tr></thead>
                <tbody>
                  {v.comparison.map((c) => (
                    <tr data-field={c.field}>
                      <td>{DATA_FIELD_ID[c.field] ?? c.field}</td>
                      <td>{c.field === 'nik' ? v.caseRecord.nikMasked : c.chip}</td>
                      <td>{c.field === 'nik' ? v.caseRecord.nikMasked : c.record}</td>
                      <td class={c.same ? 'yes' : 'over'}>{c.same ? 'Sama' : 'BERBEDA'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          {(v.step === 'fingerprint' || v.fingers.rightIndex.tries > 0 || v.fingers.rightIndex.status !== 'pending') && (
            <div class="coll-block">
              <h3>Sidik jari</h3>
              <ul class="fingers">
                {(['rightIndex', 'leftIndex'] as const).map((f) => (
                  <li class={`finger ${v.fingers[f].status}${v.currentFinger === f ? ' current' : ''}`} data-testid={`finger-${f}`}>
                    {fingerText(f, v.fingers[f], v.maxTries)}{v.currentFinger === f ? ' ← sekarang' : ''}
                  </li>
                ))}
              </ul>
              {(v.capturing || scanning) && (
                <p class="guidance" data-testid="collection-guidance"><span class="spinner" aria-hidden="true" />{(guide && guidanceText(guide)) || 'Memindai…'}</p>
              )}
              {!v.capturing && lastTryText(v.lastTry) && <p class="muted" data-testid="last-try">Terakhir: {lastTryText(v.lastTry)}</p>}
            </div>
          )}

          {v.receipt && (
            <div class="coll-block">
              <h3>Tanda terima {v.receipt.number}</h3>
              <p class={v.receipt.printed.ok ? 'okmsg' : 'fault'} data-testid="receipt-printed">
                {v.receipt.printed.ok ? 'Tanda terima sudah dicetak. Serahkan kartu dan tanda terima kepada warga.' : `Tanda terima TIDAK tercetak (${v.receipt.printed.code}). Periksa printer, lalu cetak ulang.`}
              </p>
              <dl class="facts">{v.receipt.rows.map((r) => <><dt>{r.label}</dt><dd>{r.value}</dd></>)}</dl>
            </div>
          )}
        </div>
        <aside class="coll-side">
          {isLive(v.step) || v.oldKtp ? (
            <div class="coll-block oldktp">
              <h3>KTP lama</h3>
              <p data-testid="old-ktp-state">
                {v.oldKtp ? `${OLD_KTP_ID[v.oldKtp]} — dikonfirmasi ${v.officer?.displayName ?? ''}` : 'Belum dikonfirmasi. Tanyakan KTP lama warga; tarik bila ada.'}
              </p>
              {isLive(v.step) && (
                <div class="row-actions">
                  <Btn testId="old-ktp-withdrawn" label="KTP lama ditarik" state={acts.oldKtp} busy={busy} primary={!v.oldKtp}
                    onClick={() => void run(() => act('KTP lama', `${base}/old-ktp`, { value: 'withdrawn' }, () => 'KTP lama: ditarik.'))} />
                  <Btn testId="old-ktp-none" label="Tidak ada KTP lama" state={acts.oldKtp} busy={busy}
                    onClick={() => void run(() => act('KTP lama', `${base}/old-ktp`, { value: 'none' }, () => 'KTP lama: tidak ada.'))} />
                </div>
              )}
            </div>
          ) : null}

          <div class="coll-actions" data-testid="collection-actions">
            {acts.readCard.enabled || v.step === 'card' ? (
              <Btn testId="act-read-card" label={v.cardAway ? 'Baca ulang kartu (kartu yang sama)' : 'Baca kartu'} state={acts.readCard} busy={busy}
                onClick={() => void run(() => act('Baca kartu', `${base}/read-card`, undefined, (n) => noticeText(n.notice) ? null : 'Kartu terbaca.'))} />
            ) : null}
            {v.step === 'data' && (
              <Btn testId="act-confirm" label="Data benar (atas nama warga)" state={acts.confirmData} busy={busy} primary
                onClick={() => void run(() => act('Konfirmasi data', `${base}/confirm`, { correct: true }, () => 'Data dikonfirmasi. Lanjut ke sidik jari.'))} />
            )}
            {v.step === 'held' && (
              <Btn testId="act-resume" label="Lanjutkan dari pemeriksaan data" state={acts.resume} busy={busy} primary
                onClick={() => void run(() => act('Lanjutkan', `${base}/resume`, undefined, () => 'Sesi dilanjutkan: warga memeriksa data lagi.'))} />
            )}
            {v.step === 'fingerprint' && (
              <>
                <Btn testId="act-scan" label={v.currentFinger ? `Pindai ${FINGER_ID[v.currentFinger].toLowerCase()}` : 'Pindai'} state={scanning ? { enabled: false, hint: 'Sedang memindai' } : acts.scan} busy={busy} primary
                  onClick={() => void scan()} />
                {(v.capturing || scanning) && (
                  <Btn testId="act-cancel-scan" label="Batalkan pemindaian" state={{ enabled: true }} busy={false}
                    onClick={() => void act('Batalkan pemindaian', `${base}/fingerprint/cancel`)} />
                )}
                <Btn testId="act-override" label="Lewati jari (persetujuan supervisor)…" state={acts.override} busy={busy} onClick={() => setDialog('override')} />
              </>
            )}
            {v.step === 'signature' && (
              <>
                <Btn testId="act-sign-start" label="Mulai tanda tangan" state={acts.signStart} busy={busy}
                  onClick={() => void run(() => act('Mulai tanda tangan', `${base}/signature/start`, undefined, () => 'Alat tanda tangan siap. Minta warga menandatangani.'))} />
                <Btn testId="act-sign-clear" label="Hapus tanda tangan" state={acts.signClear} busy={busy}
                  onClick={() => void run(() => act('Hapus tanda tangan', `${base}/signature/clear`, undefined, () => 'Tanda tangan dihapus.'))} />
                <Btn testId="act-sign-accept" label="Terima tanda tangan & serahkan" state={acts.signAccept} busy={busy} primary
                  onClick={() => void run(() => act('Terima tanda tangan', `${base}/signature`, undefined, (n) => `Berhasil. Tanda terima ${n.receipt?.number ?? ''}.`, 30_000))} />
              </>
            )}
            {v.step === 'receipt' && (
              <Btn testId="act-reprint" label="Cetak ulang tanda terima" state={acts.reprint} busy={busy}
                onClick={() => void run(() => act('Cetak ulang', `${base}/reprint`, undefined, (n) => (n.receipt?.printed.ok ? 'Tanda terima dicetak ulang.' : null), 30_000))} />
            )}
            {isLive(v.step) ? (
              <Btn testId="act-cancel" label="Batalkan sesi…" state={acts.cancel} busy={busy} danger onClick={() => setDialog('cancel')} />
            ) : (
              <Btn testId="act-close" label="Tutup sesi" state={acts.close} busy={busy} onClick={() => void close()} />
            )}
          </div>
          {msg && <p class={msg.tone === 'error' ? 'fault' : 'okmsg'} role={msg.tone === 'error' ? 'alert' : 'status'} data-testid="collection-message">{msg.text}</p>}
        </aside>
      </div>

      {dialog === 'override' && (
        <OverrideDialog sess={sess} v={v} onCancel={() => setDialog(null)}
          onDone={(n) => { feed.apply(n); setDialog(null); setMsg({ tone: 'ok', text: `${FINGER_ID[lastOverridden(n) ?? 'rightIndex']} dilewati dengan persetujuan supervisor.` }); }} />
      )}
      {dialog === 'cancel' && (
        <ReasonDialog title={`Batalkan sesi ${v.caseRecord.fullName}`} explain="Kartu tetap di stok; warga dapat mengulang nanti." label="Alasan pembatalan" submitLabel="Batalkan sesi" testId="cancel"
          onCancel={() => setDialog(null)}
          onSubmit={async (reason) => {
            const ok = await act('Batalkan sesi', `${base}/cancel`, { reason }, () => 'Sesi dibatalkan.');
            if (ok) setDialog(null);
            return ok ? null : 'Tidak dapat dibatalkan: lihat pesan di layar.';
          }} />
      )}
    </section>
  );
}

function lastOverridden(v: CollectionView): Finger | null {
  return (['leftIndex', 'rightIndex'] as const).find((f) => v.fingers[f].status === 'overridden') ?? null;
}

function Btn({ testId, label, state, busy, primary, danger, onClick }: {
  testId: string; label: string; state: ActionState; busy: boolean; primary?: boolean; danger?: boolean; onClick: () => void;
}) {
  const cls = primary ? 'btn primary' : danger ? 'btn danger' : 'btn';
  return (
    <div class="action">
      <button type="button" class={cls} data-testid={testId} disabled={!state.enabled || busy} onClick={onClick}>{label}</button>
      {!state.enabled && state.hint && <span class="hint" data-testid={`${testId}-hint`}>{state.hint}</span>}
    </div>
  );
}

/**
 * The supervisor approves at the counter with their own username and PIN. Sent without the
 * screen's sign-out on 401: a wrong supervisor PIN must not end the officer's session.
 */
function OverrideDialog({ sess, v, onCancel, onDone }: { sess: Sess; v: CollectionView; onCancel: () => void; onDone: (v: CollectionView) => void }) {
  const choices = overridableFingers(v);
  const [finger, setFinger] = useState<Finger | ''>(v.currentFinger && choices.includes(v.currentFinger) ? v.currentFinger : choices[0] ?? '');
  const [reason, setReason] = useState('');
  const [username, setUsername] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const problem = overrideFormProblem({ finger, reason, username, pin });
    if (problem) { setError(problem); return; }
    setBusy(true);
    setError(null);
    const r = await apiRequest({
      method: 'POST', path: `/api/collections/${v.id}/override`, token: sess.session?.token ?? null, schema: CollectionViewSchema,
      body: { finger, reason: reason.trim(), supervisor: { username: username.trim(), pin } },
    });
    setBusy(false);
    if (r.ok) { onDone(r.value); return; }
    const f: ApiFault = r.fault;
    if (isOwnSessionFault(f)) { sess.end(f.kind === 'http' && f.code === 'SESSION_EXPIRED' ? SESSION_EXPIRED_TEXT : SIGNED_OUT_TEXT); return; }
    setPin('');
    setError(collectionFaultText(f));
  };

  return (
    <div class="dialog-back" role="dialog" aria-modal="true" aria-label="Lewati jari">
      <form class="dialog card" data-testid="override-dialog" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
        <h2>Lewati sidik jari — {v.caseRecord.fullName}</h2>
        <p class="muted">Hanya untuk jari yang tidak bisa dipindai (terluka, diperban, cacat). Satu jari telunjuk harus tetap cocok. Supervisor lain menyetujui dengan PIN-nya sendiri.</p>
        <fieldset>
          <legend>Jari yang dilewati</legend>
          {(['rightIndex', 'leftIndex'] as const).map((f) => (
            <label class="radio-row">
              <input type="radio" name="finger" value={f} checked={finger === f} disabled={!choices.includes(f)} onChange={() => setFinger(f)} data-testid={`override-finger-${f}`} />
              {FINGER_ID[f]}{!choices.includes(f) ? ` (${v.fingers[f].status === 'pending' ? 'tidak bisa' : 'sudah selesai'})` : ''}
            </label>
          ))}
        </fieldset>
        <label>
          Alasan (wajib)
          <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} maxLength={300} placeholder="mis. jari terluka, diperban" data-testid="override-reason" />
        </label>
        <label>
          Nama pengguna supervisor
          <input value={username} onInput={(e) => setUsername(e.currentTarget.value)} autocomplete="off" autocapitalize="none" data-testid="override-username" />
        </label>
        <label>
          PIN supervisor
          <input type="password" inputMode="numeric" value={pin} onInput={(e) => setPin(e.currentTarget.value)} autocomplete="off" data-testid="override-pin" />
        </label>
        {error && <p class="fault" role="alert" data-testid="override-error">{error}</p>}
        <div class="dialog-actions">
          <button type="button" class="btn secondary" onClick={onCancel}>Batal</button>
          <button type="submit" class="btn primary" data-testid="override-submit" disabled={busy}>{busy ? 'Memeriksa…' : 'Setujui & lewati'}</button>
        </div>
      </form>
    </div>
  );
}

function ReasonDialog({ title, explain, label, submitLabel, testId, onCancel, onSubmit }: {
  title: string; explain: string; label: string; submitLabel: string; testId: string; onCancel: () => void; onSubmit: (reason: string) => Promise<string | null>;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div class="dialog-back" role="dialog" aria-modal="true" aria-label={title}>
      <form class="dialog card" data-testid={`${testId}-dialog`} onSubmit={async (e) => {
        e.preventDefault();
        if (!returnReasonOk(reason)) { setError('Tulis alasannya (minimal 3 huruf).'); return; }
        setBusy(true);
        const problem = await onSubmit(reason.trim());
        setBusy(false);
        setError(problem);
      }}>
        <h2>{title}</h2>
        <p class="muted">{explain}</p>
        <label>
          {label} (wajib)
          <textarea rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} maxLength={300} data-testid={`${testId}-reason`} />
        </label>
        {error && <p class="fault" role="alert" data-testid={`${testId}-error`}>{error}</p>}
        <div class="dialog-actions">
          <button type="button" class="btn secondary" onClick={onCancel}>Kembali</button>
          <button type="submit" class="btn danger" data-testid={`${testId}-submit`} disabled={busy}>{submitLabel}</button>
        </div>
      </form>
    </div>
  );
}

function StockLists({ sess, feed }: { sess: Sess; feed: CollectionFeed }) {
  const [returning, setReturning] = useState<StockItem | null>(null);
  const [msg, setMsg] = useState<Msg | null>(null);
  useEffect(() => { if (!feed.stock) void feed.reloadStock(); }, []);
  const s = feed.stock;
  return (
    <section class="card coll-stock" aria-label="Stok kartu" data-testid="stock">
      <div class="stock-head">
        <h2>Kartu KTP-el hari ini{s ? ` — ${s.day}` : ''}</h2>
        <button type="button" class="btn secondary small" data-testid="stock-reload" onClick={() => void feed.reloadStock()}>Muat ulang</button>
      </div>
      {feed.stockError && <p class="fault" role="alert">{feed.stockError}</p>}
      {msg && <p class={msg.tone === 'error' ? 'fault' : 'okmsg'} data-testid="stock-message">{msg.text}</p>}
      {!s ? <p class="muted">Memuat…</p> : (
        <div class="stock-cols">
          <div data-testid="stock-in">
            <h3>Di stok <span class="count">{s.inStock.length}</span></h3>
            {s.inStock.length === 0 ? <p class="muted small">Kosong</p> : (
              <ul class="stock-list">
                {s.inStock.map((x) => (
                  <li data-serial={x.cardSerial}>
                    <span><b>{x.fullName}</b><br /><span class="small muted">{x.nikMasked} · {x.cardSerial}</span></span>
                    <button type="button" class="btn small" data-testid={`return-${x.cardSerial}`} onClick={() => { setMsg(null); setReturning(x); }}>Kembalikan</button>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div data-testid="stock-collected">
            <h3>Diambil hari ini <span class="count">{s.collected.length}</span></h3>
            {s.collected.length === 0 ? <p class="muted small">Belum ada</p> : (
              <ul class="stock-list">
                {s.collected.map((x) => (
                  <li data-serial={x.cardSerial}><span><b>{x.fullName}</b><br /><span class="small muted">{x.nikMasked} · {x.cardSerial} · {x.collectedAt ? formatClock(x.collectedAt) : ''}</span></span></li>
                ))}
              </ul>
            )}
          </div>
          <div data-testid="stock-returned">
            <h3>Dikembalikan hari ini <span class="count">{s.returned.length}</span></h3>
            {s.returned.length === 0 ? <p class="muted small">Belum ada</p> : (
              <ul class="stock-list">
                {s.returned.map((x) => (
                  <li data-serial={x.cardSerial}><span><b>{x.fullName}</b><br /><span class="small muted">{x.cardSerial} · {x.returnReason ?? ''}</span></span></li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
      {returning && (
        <ReasonDialog title={`Kembalikan kartu ${returning.fullName} (${returning.cardSerial})`}
          explain="Kartu dicatat untuk dikembalikan ke Kemendagri dan tidak bisa diambil warga lagi. Sesi yang sedang berjalan untuk kartu ini dibatalkan."
          label="Alasan pengembalian" submitLabel="Kembalikan kartu" testId="return" onCancel={() => setReturning(null)}
          onSubmit={async (reason) => {
            const r = await sess.call({ method: 'POST', path: `/api/stock/${encodeURIComponent(returning.id)}/return`, body: { reason }, schema: OkAnswerSchema });
            if (!r.ok) return r.fault.kind === 'http' && r.fault.status === 401 ? null : collectionFaultText(r.fault);
            setMsg({ tone: 'ok', text: `Kartu ${returning.cardSerial} dicatat untuk dikembalikan.` });
            setReturning(null);
            await feed.reloadStock();
            return null;
          }} />
      )}
    </section>
  );
}
