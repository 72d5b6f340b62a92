import { useState } from 'preact/hooks';
import { formatClock, formatDate } from '../shared/format.ts';
import { OkSchema, type DcStatus } from '../shared/schemas.ts';
import type { useSession } from '../shared/session.ts';
import { actionFaultText } from '../shared/staff.ts';
import { ageText, dcHealth } from './logic.ts';

type Sess = ReturnType<typeof useSession>;

function when(iso: string | null): string {
  if (!iso) return '—';
  return `${formatDate(iso)} ${formatClock(iso)}`;
}

/** "Pusat data (DC)": the link to the data center at a glance, and the records it refused. */
export function DataCenterTab({ sess, dc, error, reload }: { sess: Sess; dc: DcStatus | null; error: string | null; reload: () => Promise<void> }) {
  const [msg, setMsg] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const retry = async (recordId: string) => {
    setBusy(recordId);
    const r = await sess.call({ method: 'POST', path: `/api/supervisor/dc/dead-letters/${encodeURIComponent(recordId)}/retry`, body: {}, schema: OkSchema });
    setBusy(null);
    if (r.ok) setMsg({ tone: 'ok', text: `Data ${recordId.slice(0, 8)}… dikirim ulang.` });
    else if (!(r.fault.kind === 'http' && r.fault.status === 401)) setMsg({ tone: 'error', text: actionFaultText(r.fault) });
    await reload();
  };

  if (!dc) return <section class="card"><h2>Pusat data (DC)</h2>{error ? <p class="fault" role="alert">{error}</p> : <p class="muted">Memuat…</p>}</section>;
  const health = dcHealth(dc);
  return (
    <section class="card" data-testid="dc-tab">
      <h2>Pusat data (DC)</h2>
      <p class={`dc-light ${health.tone}`} data-testid="dc-reachable" data-reachable={String(dc.reachable)}>
        <span class="dc-dot" aria-hidden="true" /> {health.text}
      </p>
      {error && <p class="fault" role="alert">{error}</p>}
      <dl class="dc-facts">
        <dt>Terdaftar di pusat data</dt><dd data-testid="dc-registered">{dc.registered ? 'Ya' : 'Belum'}</dd>
        <dt>Data menunggu dikirim</dt><dd data-testid="dc-depth">{dc.depth}</dd>
        <dt>Data tertua menunggu</dt><dd>{ageText(dc.oldestPendingAgeSeconds)}</dd>
        <dt>Sedang dikirim</dt><dd>{dc.inFlight}</dd>
        <dt>Terkirim</dt><dd>{dc.delivered ?? '—'}</dd>
        <dt>Pengiriman terakhir</dt><dd>{when(dc.lastDeliveryAt)}</dd>
        <dt>Kontak terakhir</dt><dd>{when(dc.lastContactAt)}</dd>
        <dt>Galat terakhir</dt><dd class={dc.lastError ? 'bad' : ''}>{dc.lastError ?? '—'}</dd>
      </dl>
      {msg && <p class={msg.tone === 'error' ? 'fault' : 'okmsg'} role="status">{msg.text}</p>}
      <h3>Data gagal dikirim ({dc.deadLetters.length})</h3>
      {dc.deadLetters.length === 0 ? <p class="muted" data-testid="dead-letters-empty">Tidak ada. Semua data diterima pusat data atau masih dalam antrean kirim.</p> : (
        <table class="stats plain" data-testid="dead-letters">
          <thead><tr><th>Data</th><th>Kasus</th><th>Jenis</th><th>Alasan</th><th>Percobaan</th><th /></tr></thead>
          <tbody>
            {dc.deadLetters.map((d) => (
              <tr data-record={d.recordId}>
                <td title={d.recordId}><code>{d.recordId.slice(0, 8)}…</code></td>
                <td title={d.caseId ?? ''}><code>{d.caseId ? `${d.caseId.slice(0, 8)}…` : '—'}</code></td>
                <td>{d.kind}</td>
                <td>{d.reason ?? '—'}</td>
                <td>{d.attempts}</td>
                <td><button type="button" class="btn primary small" data-testid={`retry-${d.recordId}`} disabled={busy !== null} onClick={() => void retry(d.recordId)}>Kirim ulang</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
