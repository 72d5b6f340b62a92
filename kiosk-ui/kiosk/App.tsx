import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { apiRequest, isAuthFault, requestId } from '../shared/api.ts';
import { formatClock, formatDate, formatWait } from '../shared/format.ts';
import { IssueAnswerSchema, ServicesAnswerSchema, type IssuedTicket, type Priority, type Service } from '../shared/schemas.ts';
import { hasSessionData, initialState, kioskReducer, type KioskState } from './flow.ts';
import { idleView } from './idle.ts';
import { checkNik, faultFromHub, groupNik, isNikCode, nikFaultMessage, NIK_LENGTH, type Lang } from './nik.ts';
import { texts, type KioskText } from './text.ts';

type Connection = 'loading' | 'ready' | 'unregistered' | 'offline';

const RETRY_MS = 5_000;
const PRIORITIES: Priority[] = ['none', 'elderly', 'disabled', 'pregnant'];

export interface KioskProps {
  token: string | null;
  idleSeconds: number;
  regionKnown: (code: string) => boolean;
}

export function KioskApp({ token, idleSeconds, regionKnown }: KioskProps) {
  const [lang, setLang] = useState<Lang>('id');
  const t = texts[lang];
  const [conn, setConn] = useState<Connection>(token ? 'loading' : 'unregistered');
  const [services, setServices] = useState<Service[]>([]);
  const [state, dispatch] = useReducer(kioskReducer, initialState);

  const loadServices = useCallback(async () => {
    if (!token) return setConn('unregistered');
    const r = await apiRequest({ path: '/api/services', token, schema: ServicesAnswerSchema });
    if (r.ok) {
      setServices(r.value.services);
      setConn('ready');
    } else if (isAuthFault(r.fault)) {
      setConn('unregistered');
    } else {
      setConn('offline');
    }
  }, [token]);

  // Fresh list at every new resident; while the hub is away, keep trying on our own.
  useEffect(() => {
    if (state.step === 'service') void loadServices();
  }, [state.step, loadServices]);
  useEffect(() => {
    if (conn !== 'offline') return;
    const timer = setInterval(() => void loadServices(), RETRY_MS);
    return () => clearInterval(timer);
  }, [conn, loadServices]);

  const idle = useIdle(state, idleSeconds, () => {
    dispatch({ type: 'reset' });
    setLang('id');
  });

  const service = services.find((s) => s.code === state.serviceCode) ?? null;

  // One key per (service, NIK, priority): a retry after a lost answer must not issue a second ticket.
  const idemKey = useRef<{ of: string; key: string } | null>(null);
  const submit = async () => {
    if (!state.serviceCode || state.submitting) return;
    const of = `${state.serviceCode}|${state.nik}|${state.priority}`;
    if (idemKey.current?.of !== of) idemKey.current = { of, key: requestId() };
    dispatch({ type: 'submit' });
    const nik = state.nik;
    const r = await apiRequest({
      method: 'POST',
      path: '/api/tickets',
      token,
      body: { serviceCode: state.serviceCode, nik, priority: state.priority },
      headers: { 'Idempotency-Key': idemKey.current.key },
      schema: IssueAnswerSchema,
    });
    if (r.ok) {
      idemKey.current = null;
      return dispatch({ type: 'issued', ticket: r.value.ticket });
    }
    const f = r.fault;
    if (f.kind === 'http' && isNikCode(f.code)) return dispatch({ type: 'nikRefused', fault: faultFromHub(f.code, nik) });
    if (isAuthFault(f)) {
      dispatch({ type: 'reset' });
      return setConn('unregistered');
    }
    if (f.kind === 'network' || (f.kind === 'http' && f.status >= 500)) {
      return dispatch({ type: 'submitFailed', error: { kind: 'unavailable' } });
    }
    dispatch({ type: 'submitFailed', error: { kind: 'refused', code: f.kind === 'http' ? f.code : 'INVALID_RESPONSE' } });
  };

  let body;
  if (conn === 'unregistered') {
    body = <Notice title={t.unregisteredTitle} text={t.unregisteredBody} tone="warn" testId="unregistered" />;
  } else if (conn === 'offline' && state.step === 'service') {
    body = <Notice title={t.offlineTitle} text={t.offlineBody} tone="error" testId="offline" />;
  } else if (conn === 'loading' && state.step === 'service') {
    body = <p class="lead" aria-busy="true">{t.loadingServices}</p>;
  } else {
    switch (state.step) {
      case 'service':
        body = <ServiceStep t={t} lang={lang} services={services} onChoose={(code) => dispatch({ type: 'chooseService', serviceCode: code })} />;
        break;
      case 'nik':
        body = (
          <NikStep
            t={t}
            lang={lang}
            state={state}
            onDigit={(d) => dispatch({ type: 'digit', digit: d })}
            onBackspace={() => dispatch({ type: 'backspace' })}
            onClear={() => dispatch({ type: 'clear' })}
            onBack={() => dispatch({ type: 'back' })}
            onNext={() => dispatch({ type: 'nikChecked', fault: checkNik(state.nik, { regionKnown }) })}
          />
        );
        break;
      case 'requirements':
        body = <RequirementsStep t={t} lang={lang} service={service} onBack={() => dispatch({ type: 'back' })} onNext={() => dispatch({ type: 'requirementsRead' })} />;
        break;
      case 'priority':
        body = (
          <PriorityStep
            t={t}
            state={state}
            onChoose={(p) => dispatch({ type: 'choosePriority', priority: p })}
            onBack={() => dispatch({ type: 'back' })}
            onSubmit={() => void submit()}
          />
        );
        break;
      case 'ticket':
        body = state.ticket && <TicketStep t={t} lang={lang} ticket={state.ticket} service={service} onDone={() => { dispatch({ type: 'reset' }); setLang('id'); }} />;
        break;
    }
  }

  const stepNo = { service: 1, nik: 2, requirements: 3, priority: 4, ticket: 0 }[state.step];
  return (
    <div class="kiosk" lang={lang}>
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true">KTP-el</span>
          <span>{t.title}</span>
        </div>
        {conn === 'ready' && stepNo > 0 && <span class="stepno">{t.step(stepNo)}</span>}
        <button type="button" class="btn lang" data-testid="lang-switch" onClick={() => setLang(lang === 'id' ? 'en' : 'id')}>
          {t.switchLang}
        </button>
      </header>
      <main class="content">{body}</main>
      {idle.showCountdown && (
        <div class="idle-overlay" role="alertdialog" data-testid="idle-countdown">
          <div class="idle-box">
            <p class="idle-seconds">{idle.secondsLeft}</p>
            <p>{t.idleWarning(idle.secondsLeft)}</p>
            <p class="muted">{t.idleContinue}</p>
          </div>
        </div>
      )}
    </div>
  );
}

/** Wipes the session after `idleSeconds` without a touch; shows the countdown in the last seconds. */
function useIdle(state: KioskState, idleSeconds: number, onExpire: () => void) {
  const last = useRef(Date.now());
  const [view, setView] = useState({ showCountdown: false, secondsLeft: idleSeconds });
  const active = hasSessionData(state) && !state.submitting;
  const expireRef = useRef(onExpire);
  expireRef.current = onExpire;

  useEffect(() => {
    const touch = () => {
      last.current = Date.now();
    };
    const opts = { capture: true, passive: true } as const;
    for (const ev of ['pointerdown', 'keydown', 'touchstart'] as const) window.addEventListener(ev, touch, opts);
    return () => {
      for (const ev of ['pointerdown', 'keydown', 'touchstart'] as const) window.removeEventListener(ev, touch, opts);
    };
  }, []);

  useEffect(() => {
    last.current = Date.now();
    if (!active) {
      setView({ showCountdown: false, secondsLeft: idleSeconds });
      return;
    }
    const timer = setInterval(() => {
      const v = idleView(last.current, Date.now(), idleSeconds * 1000);
      if (v.expired) {
        setView({ showCountdown: false, secondsLeft: idleSeconds });
        expireRef.current();
      } else {
        setView((old) => (old.showCountdown === v.showCountdown && old.secondsLeft === v.secondsLeft ? old : { showCountdown: v.showCountdown, secondsLeft: v.secondsLeft }));
      }
    }, 250);
    return () => clearInterval(timer);
  }, [active, idleSeconds, state.step]);

  return view;
}

function Notice({ title, text, tone, testId }: { title: string; text: string; tone: 'warn' | 'error'; testId: string }) {
  return (
    <section class={`notice ${tone}`} role="alert" data-testid={testId}>
      <h1>{title}</h1>
      <p>{text}</p>
    </section>
  );
}

function ServiceStep({ t, lang, services, onChoose }: { t: KioskText; lang: Lang; services: Service[]; onChoose: (code: string) => void }) {
  return (
    <section class="step" data-testid="step-service">
      <h1 class="welcome">{t.welcome}</h1>
      <p class="lead">{t.chooseService}</p>
      {services.length === 0 ? (
        <p class="lead">{t.noServices}</p>
      ) : (
        <div class="service-grid">
          {services.map((s) => (
            <button type="button" class="btn service" data-testid={`service-${s.code}`} onClick={() => onChoose(s.code)}>
              <span class="prefix" aria-hidden="true">{s.prefix}</span>
              <span class="service-name">{lang === 'id' ? s.nameId : s.nameEn}</span>
            </button>
          ))}
        </div>
      )}
    </section>
  );
}

interface NikStepProps {
  t: KioskText;
  lang: Lang;
  state: KioskState;
  onDigit: (d: string) => void;
  onBackspace: () => void;
  onClear: () => void;
  onBack: () => void;
  onNext: () => void;
}

function NikStep({ t, lang, state, onDigit, onBackspace, onClear, onBack, onNext }: NikStepProps) {
  // A USB keypad or keyboard works as well as the screen.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (/^\d$/.test(e.key)) onDigit(e.key);
      else if (e.key === 'Backspace') onBackspace();
      else if (e.key === 'Enter') onNext();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onDigit, onBackspace, onNext]);

  const groups = [6, 6, 4];
  let offset = 0;
  return (
    <section class="step nik-step" data-testid="step-nik">
      <div class="nik-left">
        <h1>{t.enterNik}</h1>
        <p class="muted">{t.nikHint}</p>
        <div class="nik-display" data-testid="nik-display" aria-label={groupNik(state.nik)} aria-live="polite">
          {groups.map((len) => {
            const start = offset;
            offset += len;
            return (
              <span class="nik-group">
                {Array.from({ length: len }, (_, i) => {
                  const ch = state.nik[start + i];
                  return <span class={ch === undefined ? 'nik-cell empty' : 'nik-cell'}>{ch ?? '·'}</span>;
                })}
              </span>
            );
          })}
        </div>
        <p class="nik-count" data-testid="nik-count">{t.digitsOf(state.nik.length)}</p>
        {state.nikFault && (
          <p class="fault" role="alert" data-testid="nik-error">
            {nikFaultMessage(state.nikFault, lang)}
          </p>
        )}
        <div class="nav">
          <button type="button" class="btn secondary" data-testid="back" onClick={onBack}>
            {t.back}
          </button>
          <button type="button" class="btn primary" data-testid="next" onClick={onNext}>
            {t.next}
          </button>
        </div>
      </div>
      <div class="keypad" role="group" aria-label="keypad">
        {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
          <button type="button" class="btn key" data-testid={`key-${d}`} disabled={state.nik.length >= NIK_LENGTH} onClick={() => onDigit(d)}>
            {d}
          </button>
        ))}
        <button type="button" class="btn key small" data-testid="key-clear" onClick={onClear}>
          {t.clear}
        </button>
        <button type="button" class="btn key" data-testid="key-0" disabled={state.nik.length >= NIK_LENGTH} onClick={() => onDigit('0')}>
          0
        </button>
        <button type="button" class="btn key small" data-testid="key-backspace" aria-label={t.backspace} onClick={onBackspace}>
          ⌫ {t.backspace}
        </button>
      </div>
    </section>
  );
}

function RequirementsStep({ t, lang, service, onBack, onNext }: { t: KioskText; lang: Lang; service: Service | null; onBack: () => void; onNext: () => void }) {
  const name = service ? (lang === 'id' ? service.nameId : service.nameEn) : '';
  const reqs = service?.requirements ?? [];
  return (
    <section class="step" data-testid="step-requirements">
      <h1>{t.bringTitle}</h1>
      <p class="lead">{t.bringFor(name)}</p>
      {reqs.length === 0 ? (
        <p class="lead">{t.bringNone}</p>
      ) : (
        <ol class="requirements">
          {reqs.map((r) => (
            <li>{lang === 'id' ? r.textId : r.textEn}</li>
          ))}
        </ol>
      )}
      <div class="nav">
        <button type="button" class="btn secondary" data-testid="back" onClick={onBack}>
          {t.back}
        </button>
        <button type="button" class="btn primary" data-testid="next" onClick={onNext}>
          {t.next}
        </button>
      </div>
    </section>
  );
}

function PriorityStep({ t, state, onChoose, onBack, onSubmit }: { t: KioskText; state: KioskState; onChoose: (p: Priority) => void; onBack: () => void; onSubmit: () => void }) {
  const err = state.submitError;
  return (
    <section class="step" data-testid="step-priority">
      <h1>{t.priorityTitle}</h1>
      <p class="lead">{t.priorityHint}</p>
      <div class="priority-grid" role="radiogroup">
        {PRIORITIES.map((p) => (
          <button
            type="button"
            role="radio"
            aria-checked={state.priority === p}
            class={state.priority === p ? 'btn choice selected' : 'btn choice'}
            data-testid={`priority-${p}`}
            disabled={state.submitting}
            onClick={() => onChoose(p)}
          >
            <span class="radio" aria-hidden="true">{state.priority === p ? '●' : '○'}</span>
            {t.priority[p]}
          </button>
        ))}
      </div>
      {err && (
        <p class="fault" role="alert" data-testid="submit-error">
          {err.kind === 'unavailable' ? t.submitUnavailable : t.submitRefused(err.code)}
        </p>
      )}
      <div class="nav">
        <button type="button" class="btn secondary" data-testid="back" disabled={state.submitting} onClick={onBack}>
          {t.back}
        </button>
        <button type="button" class="btn primary big" data-testid="take-ticket" disabled={state.submitting} onClick={onSubmit}>
          {state.submitting ? t.submitting : err ? t.tryAgain : t.takeTicket}
        </button>
      </div>
    </section>
  );
}

function TicketStep({ t, lang, ticket, service, onDone }: { t: KioskText; lang: Lang; ticket: IssuedTicket; service: Service | null; onDone: () => void }) {
  // An <img> data URL shows the hub's SVG without letting anything in it run on the page.
  const qrSrc = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(ticket.qrSvg)}`, [ticket.qrSvg]);
  const serviceName = service ? (lang === 'id' ? service.nameId : service.nameEn) : ticket.serviceCode;
  return (
    <section class="step ticket-step" data-testid="step-ticket">
      <div class="ticket-card">
        <p class="ticket-caption">{t.yourNumber}</p>
        <p class="ticket-label" data-testid="ticket-label">{ticket.label}</p>
        <p class="ticket-service">{serviceName}</p>
        {ticket.priority !== 'none' && <p class="badge">{t.priority[ticket.priority]}</p>}
        <dl class="ticket-facts">
          <div>
            <dt>{t.peopleAhead}</dt>
            <dd data-testid="people-ahead">{ticket.peopleAhead}</dd>
          </div>
          <div>
            <dt>{t.estimatedWait}</dt>
            <dd data-testid="estimated-wait">{formatWait(ticket.estimatedWaitMinutes, lang)}</dd>
          </div>
          <div>
            <dt>{t.takenAt}</dt>
            <dd data-testid="ticket-taken-at">
              {formatClock(ticket.issuedAt, lang)} · {formatDate(ticket.issuedAt, lang)}
            </dd>
          </div>
        </dl>
      </div>
      <div class="ticket-side">
        <img class="qr" src={qrSrc} alt={t.qrAlt} data-testid="ticket-qr" />
        {ticket.printed.ok ? (
          <p class="lead">{t.ticketPrinted}</p>
        ) : (
          <p class="fault printer" role="alert" data-testid="printer-fault">
            {t.printerFault}
          </p>
        )}
        <button type="button" class="btn primary big" data-testid="done" onClick={onDone}>
          {t.done}
        </button>
      </div>
    </section>
  );
}
