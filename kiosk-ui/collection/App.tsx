import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { io, type Socket } from 'socket.io-client';
import * as z from 'zod/mini';
import { apiRequest, isAuthFault, type ApiFault } from '../shared/api.ts';
import { CollectionViewSchema, type CollectionView } from '../shared/collection-schemas.ts';
import { idleView } from '../kiosk/idle.ts';
import { checkNik, groupNik, nikFaultMessage, NIK_LENGTH } from '../kiosk/nik.ts';
import { CHIP_FIELDS, faultText, guidanceText, REPORTABLE, stepIndex, texts, type CollectionText, type Finger, type Lang } from './words.ts';

export interface CollectionProps {
  token: string | null;
  idleSeconds: number;
  regionKnown: (code: string) => boolean;
}

const CurrentSchema = z.object({ current: z.nullable(CollectionViewSchema) });
const OkSchema = z.object({ ok: z.boolean() });
const LIVE = ['card', 'data', 'fingerprint', 'signature', 'held'];

interface PenPoint { x: number; y: number; tip: boolean }

/**
 * The resident's collection kiosk. The hub holds the session and is the only authority: this
 * screen renders the CollectionView it is sent and asks the hub for each step.
 */
export function CollectionApp({ token, idleSeconds, regionKnown }: CollectionProps) {
  const [lang, setLang] = useState<Lang>('id');
  const t = texts[lang];
  const [view, setView] = useState<CollectionView | null>(null);
  const [fault, setFault] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [connected, setConnected] = useState(true);
  const [guidance, setGuidance] = useState<string | null>(null);
  const [strokes, setStrokes] = useState<PenPoint[][]>([]);
  const viewRef = useRef<CollectionView | null>(null);
  viewRef.current = view;

  const showFault = (f: ApiFault) => setFault(f.kind === 'http' ? faultText(f.code, lang) : faultText('network', lang));

  const call = useCallback(async (path: string, body?: unknown): Promise<CollectionView | null> => {
    setBusy(true);
    setFault(null);
    const r = await apiRequest({ method: 'POST', path, token, body: body ?? {}, schema: CollectionViewSchema, timeoutMs: 60_000 });
    setBusy(false);
    if (r.ok) { setView(r.value); return r.value; }
    showFault(r.fault);
    if (r.fault.kind === 'http' && (r.fault.code === 'UNKNOWN_COLLECTION' || r.fault.code === 'SESSION_ENDED')) void refresh();
    return null;
  }, [token, lang]);

  const refresh = useCallback(async () => {
    const r = await apiRequest({ path: '/api/collections', token, schema: CurrentSchema });
    if (r.ok) setView(r.value.current);
  }, [token]);

  // live state: the hub pushes this kiosk's session; the pad's pen points draw the signature
  useEffect(() => {
    if (!token) return;
    const socket: Socket = io('/kiosk', { auth: { token }, reconnectionDelayMax: 5000 });
    socket.on('connect', () => { setConnected(true); void refresh(); });
    socket.on('disconnect', () => setConnected(false));
    socket.on('collection:state', (v: unknown) => {
      const p = CollectionViewSchema.safeParse(v);
      // the shown session's changes, or a live session of this kiosk appearing (an ended one the
      // screen already let go of, e.g. after an idle wipe, must not come back)
      if (!p.success) return;
      const shown = viewRef.current;
      if (shown ? shown.id === p.data.id : LIVE.includes(p.data.step)) setView(p.data);
    });
    socket.on('collection:guidance', (g: { event?: unknown }) => setGuidance(typeof g.event === 'string' ? g.event : null));
    socket.on('signature:point', (p: PenPoint) => {
      setStrokes((s) => {
        if (!p.tip) return s.length && s.at(-1)!.length ? [...s, []] : s;
        const next = s.length ? [...s] : [[]];
        next[next.length - 1] = [...next.at(-1)!, p];
        return next;
      });
    });
    return () => { socket.close(); };
  }, [token, refresh]);

  // a new step clears the last step's leftovers
  const step = view?.step ?? null;
  useEffect(() => { setGuidance(null); if (step !== 'signature') setStrokes([]); }, [step, view?.currentFinger]);
  useEffect(() => { if (!view?.capturing) setGuidance(null); }, [view?.capturing]);

  // the pad listens from the moment the signature step starts
  useEffect(() => {
    if (view?.step === 'signature' && view.id) {
      setStrokes([]);
      void apiRequest({ method: 'POST', path: `/api/collections/${view.id}/signature/start`, token, body: {}, schema: CollectionViewSchema });
    }
  }, [view?.step === 'signature' ? view.id : null]);

  // bumping `round` remounts the identification step, so nothing typed there survives a reset
  const [round, setRound] = useState(0);
  const [typing, setTyping] = useState(false);
  const reset = useCallback(() => {
    setView(null); setFault(null); setStrokes([]); setGuidance(null); setLang('id'); setTyping(false); setRound((r) => r + 1);
  }, []);

  const finish = async () => {
    if (view) await apiRequest({ method: 'POST', path: `/api/collections/${view.id}/close`, token, body: {}, schema: OkSchema });
    reset();
  };

  // idle: the screen is wiped and a live session ends as abandoned; the case is unchanged
  const idle = useIdle(view !== null || typing, `${view?.id}|${view?.step}|${view?.capturing}|${view?.lastTry ? JSON.stringify(view.lastTry) : ''}`, idleSeconds, async () => {
    const v = viewRef.current;
    if (v) {
      const path = LIVE.includes(v.step) ? `/api/collections/${v.id}/abandon` : `/api/collections/${v.id}/close`;
      await apiRequest({ method: 'POST', path, token, body: LIVE.includes(v.step) ? { reason: 'kiosk idle' } : {}, schema: OkSchema });
    }
    reset();
  });

  if (!token) return <Shell t={t} lang={lang} setLang={setLang}><p class="notice warn" role="alert" data-testid="unregistered">Kios ini belum terdaftar. Hubungi petugas.</p></Shell>;

  let body;
  if (!view) {
    body = <Identify key={round} t={t} lang={lang} busy={busy} regionKnown={regionKnown} onTyping={setTyping} onStart={async (b) => { await call('/api/collections', b); }} />;
  } else {
    switch (view.step) {
      case 'card': body = <CardStep t={t} view={view} onRead={() => call(`/api/collections/${view.id}/read-card`)} />; break;
      case 'data': body = <DataStep t={t} lang={lang} view={view} busy={busy} onConfirm={(b) => call(`/api/collections/${view.id}/confirm`, b)} />; break;
      case 'fingerprint': body = <FingerStep t={t} lang={lang} view={view} guidance={guidance} onScan={() => call(`/api/collections/${view.id}/fingerprint`)} />; break;
      case 'signature': body = (
        <SignStep t={t} view={view} strokes={strokes} busy={busy}
          onClear={async () => { setStrokes([]); await call(`/api/collections/${view.id}/signature/clear`); }}
          onDone={() => call(`/api/collections/${view.id}/signature`)} />
      ); break;
      case 'receipt': body = <ReceiptStep t={t} view={view} onFinish={finish} />; break;
      case 'failed': body = <EndNotice t={t} testId="step-failed" title={t.failedTitle} text={t.failedBody} onFinish={finish} tone="error" />; break;
      case 'held': body = <EndNotice t={t} testId="step-held" title={t.heldTitle} text={view.held?.code === 'DATA_DISCREPANCY' ? t.heldDiscrepancy : t.heldRefused} tone="warn" />; break;
      default: body = <EndNotice t={t} testId="step-cancelled" title={t.cancelledTitle} text={t.cancelledBody} onFinish={finish} tone="warn" />;
    }
  }

  const notice = view?.cardAway ? faultText('CARD_REMOVED', lang) : view?.notice && view.step !== 'held' ? faultText(view.notice.code, lang) : null;
  return (
    <Shell t={t} lang={lang} setLang={setLang} step={view ? stepIndex(view.step) : null}>
      {!connected && <p class="notice error" role="alert" data-testid="offline">{t.offline}</p>}
      {notice && <p class="notice warn" role="alert" data-testid="notice">{notice}</p>}
      {fault && <p class="notice error" role="alert" data-testid="fault">{fault}</p>}
      {body}
      {idle.showCountdown && (
        <div class="idle-overlay" role="alertdialog" data-testid="idle-countdown">
          <div class="idle-box">
            <p class="idle-seconds">{idle.secondsLeft}</p>
            <p class="lead">{t.idleTitle}</p>
            <p class="muted">{t.idleBody}</p>
          </div>
        </div>
      )}
    </Shell>
  );
}

function Shell({ t, lang, setLang, step, children }: { t: CollectionText; lang: Lang; setLang: (l: Lang) => void; step?: number | null; children: preact.ComponentChildren }) {
  return (
    <div class="kiosk collection" lang={lang}>
      <header class="topbar">
        <div class="brand"><span class="logo" aria-hidden="true">KTP-el</span><span>{t.title}</span></div>
        {step !== null && step !== undefined && (
          <ol class="stepper" data-testid="stepper">
            {t.steps.map((s, i) => <li class={i < step ? 'done' : i === step ? 'now' : ''} aria-current={i === step ? 'step' : undefined}>{s}</li>)}
          </ol>
        )}
        <button type="button" class="btn lang" data-testid="lang-switch" onClick={() => setLang(lang === 'id' ? 'en' : 'id')}>{t.lang}</button>
      </header>
      <main class="content">{children}</main>
    </div>
  );
}

function Identify({ t, lang, busy, regionKnown, onTyping, onStart }: { t: CollectionText; lang: Lang; busy: boolean; regionKnown: (c: string) => boolean; onTyping: (v: boolean) => void; onStart: (b: { nik?: string; code?: string }) => Promise<void> }) {
  const [nik, setNik] = useState('');
  const [code, setCode] = useState('');
  useEffect(() => { onTyping(nik.length > 0 || code.length > 0); }, [nik, code]);
  const [nikError, setNikError] = useState<string | null>(null);
  const scanRef = useRef<HTMLInputElement>(null);
  // a keyboard-wedge QR scanner types into the focused field and ends with Enter
  useEffect(() => { scanRef.current?.focus(); }, []);
  const submitNik = async () => {
    const f = checkNik(nik, { regionKnown });
    if (f) return setNikError(nikFaultMessage(f, lang));
    setNikError(null);
    await onStart({ nik });
  };
  return (
    <section class="step identify" data-testid="step-identify">
      <p class="lead">{t.identifyLead}</p>
      <form class="scan" onSubmit={(e) => { e.preventDefault(); if (code.trim()) void onStart({ code: code.trim() }).then(() => setCode('')); }}>
        <label>{t.scanLabel}
          <input ref={scanRef} data-testid="scan-input" value={code} autocomplete="off" onInput={(e) => setCode((e.target as HTMLInputElement).value)} />
        </label>
      </form>
      <div class="nik-step">
        <div class="nik-left">
          <p class="muted">{t.nikLabel}</p>
          <div class="nik-display" data-testid="nik-display" aria-live="polite">{groupNik(nik) || '·'}</div>
          {nikError && <p class="fault" role="alert" data-testid="nik-error">{nikError}</p>}
          <div class="nav">
            <button type="button" class="btn primary" data-testid="start" disabled={busy || nik.length !== NIK_LENGTH} onClick={submitNik}>{t.start}</button>
          </div>
        </div>
        <div class="keypad" role="group" aria-label="keypad">
          {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
            <button type="button" class="btn key" data-testid={`key-${d}`} disabled={nik.length >= NIK_LENGTH} onClick={() => setNik((n) => (n + d).slice(0, NIK_LENGTH))}>{d}</button>
          ))}
          <button type="button" class="btn key small" data-testid="key-clear" onClick={() => { setNik(''); setNikError(null); }}>{t.clear}</button>
          <button type="button" class="btn key" data-testid="key-0" disabled={nik.length >= NIK_LENGTH} onClick={() => setNik((n) => (n + '0').slice(0, NIK_LENGTH))}>0</button>
          <button type="button" class="btn key small" data-testid="key-backspace" aria-label={t.backspace} onClick={() => setNik((n) => n.slice(0, -1))}>⌫</button>
        </div>
      </div>
    </section>
  );
}

function CardStep({ t, view, onRead }: { t: CollectionText; view: CollectionView; onRead: () => void }) {
  return (
    <section class="step" data-testid="step-card">
      <h1 class="welcome">{view.caseRecord.fullName}</h1>
      <p class="lead">{view.reading ? t.cardReading : t.cardLead}</p>
      <div class="card-illustration" aria-hidden="true" />
      <div class="nav"><button type="button" class="btn secondary" data-testid="read-again" disabled={view.reading} onClick={onRead}>{t.readAgain}</button></div>
    </section>
  );
}

function DataStep({ t, lang, view, busy, onConfirm }: { t: CollectionText; lang: Lang; view: CollectionView; busy: boolean; onConfirm: (b: unknown) => void }) {
  const [reporting, setReporting] = useState(false);
  const [fields, setFields] = useState<string[]>([]);
  const chip = view.chip!;
  const bio = chip.biodata as Record<string, string | undefined>;
  return (
    <section class="step data-step" data-testid="step-data">
      <p class="lead">{t.dataLead}</p>
      <div class="chip-data">
        <div class="chip-images">
          <img src={chip.faceDataUrl} alt="Foto" data-testid="chip-photo" class="face" />
          <img src={chip.signatureDataUrl} alt="Tanda tangan" class="chip-signature" />
        </div>
        <table class="facts" data-testid="chip-table">
          <thead><tr><th /><th>{t.chip}</th><th>{t.record}</th></tr></thead>
          <tbody>
            {CHIP_FIELDS.map((f) => {
              const cmp = view.comparison.find((c) => c.field === f.key);
              return (
                <tr data-testid={`row-${f.key}`} class={cmp && !cmp.same ? 'differs' : ''}>
                  <th>{lang === 'id' ? f.id : f.en}</th>
                  <td>{f.key === 'address' ? `${bio.address ?? ''}, RT/RW ${bio.rtRw ?? ''}, ${bio.village ?? ''}, ${bio.district ?? ''}` : bio[f.key] ?? ''}</td>
                  <td>{cmp ? cmp.record : ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="authentic" data-testid="passive-auth">✔ {t.authentic}</p>
      {!reporting ? (
        <div class="nav">
          <button type="button" class="btn secondary" data-testid="data-wrong" onClick={() => setReporting(true)}>{t.dataWrong}</button>
          <button type="button" class="btn primary" data-testid="data-right" disabled={busy} onClick={() => onConfirm({ correct: true })}>{t.dataRight}</button>
        </div>
      ) : (
        <div class="report" data-testid="report">
          <p>{t.whichWrong}</p>
          <div class="choices">
            {REPORTABLE.map((f) => (
              <label class="choice"><input type="checkbox" data-testid={`wrong-${f.key}`} checked={fields.includes(f.key)}
                onChange={(e) => setFields((xs) => ((e.target as HTMLInputElement).checked ? [...xs, f.key] : xs.filter((x) => x !== f.key)))} />{lang === 'id' ? f.id : f.en}</label>
            ))}
          </div>
          <div class="nav">
            <button type="button" class="btn secondary" onClick={() => setReporting(false)}>{t.back}</button>
            <button type="button" class="btn primary" data-testid="send-report" disabled={fields.length === 0 || busy} onClick={() => onConfirm({ correct: false, fields, note: '' })}>{t.send}</button>
          </div>
        </div>
      )}
    </section>
  );
}

function FingerStep({ t, lang, view, guidance, onScan }: { t: CollectionText; lang: Lang; view: CollectionView; guidance: string | null; onScan: () => void }) {
  const finger = (view.currentFinger ?? 'rightIndex') as Finger;
  const state = view.fingers[finger];
  const last = view.lastTry;
  let result: string | null = null;
  if (last && 'error' in last) result = faultText(last.error.code, lang);
  else if (last && !last.match && last.finger === finger) result = t.noMatch(last.triesLeft);
  return (
    <section class="step finger-step" data-testid="step-fingerprint">
      <h1 class="welcome" data-testid="finger-prompt">{t.fingerLead(finger)}</h1>
      <ul class="fingers">
        {(['rightIndex', 'leftIndex'] as const).map((f) => {
          const s = view.fingers[f];
          const label = s.status === 'matched' ? t.matched : s.status === 'overridden' ? t.overridden : s.status === 'failed' ? '✖' : t.tryOf(Math.min(s.tries + 1, view.maxTries), view.maxTries);
          return <li class={`finger ${s.status}${f === finger ? ' now' : ''}`} data-testid={`finger-${f}`}><strong>{t.fingerName(f)}</strong> {label}</li>;
        })}
      </ul>
      <p class="guidance" aria-live="assertive" data-testid="guidance">{view.capturing ? guidanceText(guidance ?? 'place_finger', lang) ?? t.scanning : ''}</p>
      {result && !view.capturing && <p class="fault" role="alert" data-testid="try-result">{result}</p>}
      <div class="nav">
        <button type="button" class="btn primary" data-testid="scan" disabled={view.capturing || view.cardAway || state.status !== 'pending'} onClick={onScan}>
          {view.capturing ? t.scanning : t.scan}
        </button>
      </div>
    </section>
  );
}

function SignStep({ t, view, strokes, busy, onClear, onDone }: { t: CollectionText; view: CollectionView; strokes: PenPoint[][]; busy: boolean; onClear: () => void; onDone: () => void }) {
  const W = 600, H = 240;
  return (
    <section class="step sign-step" data-testid="step-signature">
      <p class="lead">{t.signLead}</p>
      <svg class="signature-live" data-testid="signature-live" viewBox={`0 0 ${W} ${H}`} width={W} height={H}>
        {strokes.filter((s) => s.length > 0).map((s) => <polyline fill="none" stroke="#123" stroke-width="3" points={s.map((p) => `${(p.x * W).toFixed(1)},${(p.y * H).toFixed(1)}`).join(' ')} />)}
      </svg>
      {!view.oldKtp && <p class="muted" data-testid="wait-officer">{t.waitOfficer}</p>}
      <div class="nav">
        <button type="button" class="btn secondary" data-testid="sign-clear" onClick={onClear}>{t.signClear}</button>
        <button type="button" class="btn primary" data-testid="sign-done" disabled={busy || !view.oldKtp || view.cardAway} onClick={onDone}>{t.signDone}</button>
      </div>
    </section>
  );
}

function ReceiptStep({ t, view, onFinish }: { t: CollectionText; view: CollectionView; onFinish: () => void }) {
  const r = view.receipt!;
  return (
    <section class="step receipt-step" data-testid="step-receipt">
      <h1 class="welcome">{t.receiptTitle}</h1>
      <p class="lead">{t.receiptLead}</p>
      <div class="receipt-card">
        <dl class="ticket-facts" data-testid="receipt-rows">
          {r.rows.map((row) => <><dt>{row.label}</dt><dd>{row.value}</dd></>)}
        </dl>
        <div class="receipt-side">
          <div class="qr" data-testid="receipt-qr" dangerouslySetInnerHTML={{ __html: r.qrSvg }} />
          <div class="receipt-signature" data-testid="receipt-signature" dangerouslySetInnerHTML={{ __html: r.signatureSvg }} />
        </div>
      </div>
      <p class={r.printed.ok ? 'notice ok' : 'notice warn'} data-testid="receipt-printed">{r.printed.ok ? t.printedOk : t.printedFail}</p>
      <div class="nav"><button type="button" class="btn primary" data-testid="finish" onClick={onFinish}>{t.finish}</button></div>
    </section>
  );
}

function EndNotice({ t, title, text, tone, testId, onFinish }: { t: CollectionText; title: string; text: string; tone: 'warn' | 'error'; testId: string; onFinish?: () => void }) {
  return (
    <section class={`step notice ${tone}`} role="alert" data-testid={testId}>
      <h1>{title}</h1>
      <p class="lead">{text}</p>
      {onFinish && <div class="nav"><button type="button" class="btn primary" data-testid="finish" onClick={onFinish}>{t.finish}</button></div>}
    </section>
  );
}

/** idle since the last touch or the last step the hub moved (an officer acting counts as progress) */
function useIdle(active: boolean, progress: string, idleSeconds: number, onExpire: () => void) {
  const [lastTouch, setLastTouch] = useState(Date.now());
  const [, setTick] = useState(0);
  useEffect(() => {
    const touch = () => setLastTouch(Date.now());
    for (const ev of ['pointerdown', 'keydown']) window.addEventListener(ev, touch, true);
    return () => { for (const ev of ['pointerdown', 'keydown']) window.removeEventListener(ev, touch, true); };
  }, []);
  // taken during render, so the render that sees a new step or a newly active screen is never stale
  const progressAt = useMemo(() => Date.now(), [active, progress]);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(timer);
  }, [active]);
  const v = idleView(Math.max(lastTouch, progressAt), Date.now(), idleSeconds * 1000);
  const fired = useRef(false);
  useEffect(() => {
    if (active && v.expired && !fired.current) { fired.current = true; onExpire(); }
    if (!v.expired) fired.current = false;
  }, [active, v.expired]);
  return active ? v : { expired: false, secondsLeft: idleSeconds, showCountdown: false };
}
