import { useCallback, useEffect, useState } from 'preact/hooks';
import { enrolFaultText, fingerprintGuidance } from '../shared/fingerprint.ts';
import { FingerPictogram } from '../shared/Login.tsx';
import { EnrolAnswerSchema, OkSchema, OperatorsAnswerSchema, type StaffUser } from '../shared/schemas.ts';
import type { useSession } from '../shared/session.ts';
import { actionFaultText } from '../shared/staff.ts';

type Sess = ReturnType<typeof useSession>;
interface Msg { tone: 'ok' | 'error'; text: string }

/**
 * "Sidik jari petugas": which officers have their right index enrolled, and enrolling it now. The hub
 * holds the enrolment request open while the officer puts the finger on the counter's scanner and
 * reports each step on /supervisor as fingerprint:event, which the dashboard passes in as `guidance`.
 */
export function FingersTab({ sess, guidance, onCaptureStart }: { sess: Sess; guidance: string | null; onCaptureStart: () => void }) {
  const [users, setUsers] = useState<StaffUser[] | null>(null);
  const [capturing, setCapturing] = useState<string | null>(null);
  const [msg, setMsg] = useState<Msg | null>(null);
  const [confirmRemove, setConfirmRemove] = useState<string | null>(null);

  const load = useCallback(async () => {
    const r = await sess.call({ path: '/api/supervisor/operators', schema: OperatorsAnswerSchema });
    if (r.ok) setUsers(r.value.operators);
    else if (!(r.fault.kind === 'http' && r.fault.status === 401)) setMsg({ tone: 'error', text: actionFaultText(r.fault) });
  }, [sess.call]);
  useEffect(() => void load(), [load]);

  const enrol = async (u: StaffUser) => {
    setMsg(null);
    setCapturing(u.id);
    onCaptureStart();
    const r = await sess.call({ method: 'POST', path: `/api/supervisor/operators/${encodeURIComponent(u.id)}/fingerprint`, body: {}, schema: EnrolAnswerSchema, timeoutMs: 45_000 });
    setCapturing(null);
    if (r.ok) setMsg({ tone: 'ok', text: `Sidik jari ${u.displayName} terekam. Kualitas: ${r.value.quality}.` });
    else if (!(r.fault.kind === 'http' && r.fault.status === 401)) setMsg({ tone: 'error', text: enrolFaultText(r.fault) });
    await load();
  };

  const remove = async (u: StaffUser) => {
    setConfirmRemove(null);
    const r = await sess.call({ method: 'POST', path: `/api/supervisor/operators/${encodeURIComponent(u.id)}/fingerprint/remove`, body: {}, schema: OkSchema });
    if (r.ok) setMsg({ tone: 'ok', text: `Sidik jari ${u.displayName} dihapus. Petugas ini masuk dengan PIN saja.` });
    else if (!(r.fault.kind === 'http' && r.fault.status === 401)) setMsg({ tone: 'error', text: enrolFaultText(r.fault) });
    await load();
  };

  const who = users?.find((u) => u.id === capturing);
  const guide = fingerprintGuidance(guidance) ?? 'Letakkan jari';

  return (
    <section class="card" data-testid="fingers-tab">
      <h2>Sidik jari petugas</h2>
      <p class="muted">Petugas dengan sidik jari terekam harus menempelkan jari telunjuk kanan setelah memasukkan PIN (SOP A2.g).</p>
      {who && (
        <div class="enrol-live" role="status" aria-live="polite" data-testid="enrol-live">
          <FingerPictogram />
          <div>
            <p class="finger-prompt">{who.displayName}: letakkan jari telunjuk kanan pada pemindai.</p>
            <p class="guidance" data-testid="enrol-guidance"><span class="spinner" aria-hidden="true" /> {guide}</p>
          </div>
        </div>
      )}
      {msg && <p class={msg.tone === 'error' ? 'fault' : 'okmsg'} role={msg.tone === 'error' ? 'alert' : 'status'} data-testid="fingers-message">{msg.text}</p>}
      {!users ? <p class="muted">Memuat…</p> : (
        <table class="stats plain" data-testid="operators">
          <thead><tr><th>Nama</th><th>Pengguna</th><th>Peran</th><th>Sidik jari</th><th /></tr></thead>
          <tbody>
            {users.map((u) => (
              <tr data-user={u.username}>
                <td><b>{u.displayName}</b></td>
                <td>{u.username}</td>
                <td>{u.role === 'supervisor' ? 'Supervisor' : 'Petugas'}</td>
                <td data-testid={`enrolled-${u.username}`} class={u.fingerprintEnrolled ? 'yes' : 'no'}>{u.fingerprintEnrolled ? '✔ Terekam' : '✘ Belum'}</td>
                <td class="row-actions">
                  <button type="button" class="btn primary small" data-testid={`enrol-${u.username}`} disabled={capturing !== null} onClick={() => void enrol(u)}>
                    {capturing === u.id ? 'Merekam…' : u.fingerprintEnrolled ? 'Rekam ulang' : 'Rekam sidik jari'}
                  </button>
                  {u.fingerprintEnrolled && (confirmRemove === u.id ? (
                    <>
                      <button type="button" class="btn danger small" data-testid={`remove-confirm-${u.username}`} onClick={() => void remove(u)}>Ya, hapus</button>
                      <button type="button" class="btn secondary small" onClick={() => setConfirmRemove(null)}>Batal</button>
                    </>
                  ) : (
                    <button type="button" class="btn secondary small" data-testid={`remove-${u.username}`} disabled={capturing !== null} onClick={() => setConfirmRemove(u.id)}>Hapus</button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
