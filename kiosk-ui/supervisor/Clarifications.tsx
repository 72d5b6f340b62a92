import { useState } from 'preact/hooks';
import { formatClock, formatDate } from '../shared/format.ts';
import { OkSchema, type Clarification, type Resolution } from '../shared/schemas.ts';
import type { useSession } from '../shared/session.ts';
import { actionFaultText } from '../shared/staff.ts';
import { RESOLUTIONS, scoreText } from './logic.ts';

type Sess = ReturnType<typeof useSession>;

/** "Klarifikasi data ganda": records the DC found already enrolled, each to be decided with a note. */
export function ClarificationsTab({ sess, items, reload }: { sess: Sess; items: Clarification[] | null; reload: () => Promise<void> }) {
  const [msg, setMsg] = useState<string | null>(null);
  if (!items) return <section class="card"><h2>Klarifikasi data ganda</h2><p class="muted">Memuat…</p></section>;
  return (
    <section class="card" data-testid="clarifications-tab">
      <h2>Klarifikasi data ganda ({items.length})</h2>
      <p class="muted">Pusat data menemukan sidik jari yang sudah terekam atas identitas lain. Periksa dokumen warga, lalu putuskan.</p>
      {msg && <p class="okmsg" role="status" data-testid="clarification-message">{msg}</p>}
      {items.length === 0 ? <p class="muted" data-testid="clarifications-empty">Tidak ada data ganda yang perlu diklarifikasi.</p> : (
        <div class="clar-list">
          {items.map((c) => <ClarificationCard key={String(c.id)} sess={sess} c={c} onResolved={async (text) => { setMsg(text); await reload(); }} />)}
        </div>
      )}
    </section>
  );
}

function ClarificationCard({ sess, c, onResolved }: { sess: Sess; c: Clarification; onResolved: (text: string) => Promise<void> }) {
  const [resolution, setResolution] = useState<Resolution | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = resolution !== null && note.trim().length > 0;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!ready || busy) return;
    setBusy(true);
    setError(null);
    const r = await sess.call({ method: 'POST', path: `/api/supervisor/clarifications/${encodeURIComponent(String(c.id))}/resolve`, body: { resolution, note: note.trim() }, schema: OkSchema });
    setBusy(false);
    if (r.ok) await onResolved(`Klarifikasi NIK ${c.nikMasked} disimpan: ${RESOLUTIONS.find((x) => x.value === resolution)?.label}.`);
    else if (!(r.fault.kind === 'http' && r.fault.status === 401)) setError(actionFaultText(r.fault));
  };

  return (
    <form class="clar" data-testid="clarification" data-id={String(c.id)} onSubmit={submit}>
      <div class="clar-head">
        <span class="clar-nik">NIK {c.nikMasked}</span>
        <span class="muted">Kasus <code title={c.caseId}>{c.caseId.slice(0, 8)}…</code> · {formatDate(c.createdAt)} {formatClock(c.createdAt)}</span>
      </div>
      <table class="stats plain">
        <thead><tr><th>Identitas terekam</th><th>NIK</th><th>Skor kemiripan</th></tr></thead>
        <tbody>
          {c.candidates.map((k) => (
            <tr><td><code>{k.identityId}</code></td><td>{k.nikMasked ?? '—'}</td><td>{scoreText(k.score)}</td></tr>
          ))}
        </tbody>
      </table>
      <fieldset>
        <legend>Keputusan</legend>
        {RESOLUTIONS.map((r) => (
          <label class="radio-row">
            <input type="radio" name={`res-${c.id}`} value={r.value} checked={resolution === r.value} onChange={() => setResolution(r.value)} data-testid={`resolution-${r.value}`} />
            <span><b>{r.label}</b> <span class="muted small">— {r.explain}</span></span>
          </label>
        ))}
      </fieldset>
      <label>
        Catatan (wajib: apa yang diperiksa)
        <textarea rows={2} maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} data-testid="clarification-note" />
      </label>
      {error && <p class="fault" role="alert">{error}</p>}
      <button type="submit" class="btn primary" data-testid="clarification-submit" disabled={!ready || busy}>{busy ? 'Menyimpan…' : 'Simpan keputusan'}</button>
    </form>
  );
}
