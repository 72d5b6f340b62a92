/**
 * The kiosk's ticket flow as a reducer: service -> NIK -> what to bring -> priority -> ticket.
 * Pure, so the order of steps and what is wiped when are tested without a browser.
 */
import type { IssuedTicket, Priority } from '../shared/schemas.ts';
import { NIK_LENGTH, type NikFault } from './nik.ts';

export type Step = 'service' | 'nik' | 'requirements' | 'priority' | 'ticket';

export type SubmitError =
  /** the hub is unreachable or failed (5xx, 503): nothing was issued as far as the kiosk knows */
  | { kind: 'unavailable' }
  /** any other refusal; `code` is the hub's error code */
  | { kind: 'refused'; code: string };

export interface KioskState {
  step: Step;
  serviceCode: string | null;
  nik: string;
  nikFault: NikFault | null;
  priority: Priority;
  submitting: boolean;
  submitError: SubmitError | null;
  ticket: IssuedTicket | null;
}

export type KioskAction =
  | { type: 'chooseService'; serviceCode: string }
  | { type: 'digit'; digit: string }
  | { type: 'backspace' }
  | { type: 'clear' }
  /** the NIK was checked locally: null fault moves on */
  | { type: 'nikChecked'; fault: NikFault | null }
  | { type: 'requirementsRead' }
  | { type: 'choosePriority'; priority: Priority }
  | { type: 'submit' }
  | { type: 'issued'; ticket: IssuedTicket }
  | { type: 'nikRefused'; fault: NikFault }
  | { type: 'submitFailed'; error: SubmitError }
  | { type: 'back' }
  /** idle timeout, "Selesai", or a fresh start: everything typed is wiped */
  | { type: 'reset' };

export const initialState: KioskState = {
  step: 'service',
  serviceCode: null,
  nik: '',
  nikFault: null,
  priority: 'none',
  submitting: false,
  submitError: null,
  ticket: null,
};

export function kioskReducer(s: KioskState, a: KioskAction): KioskState {
  switch (a.type) {
    case 'chooseService':
      if (s.step !== 'service') return s;
      return { ...initialState, step: 'nik', serviceCode: a.serviceCode };
    case 'digit':
      if (s.step !== 'nik' || !/^\d$/.test(a.digit) || s.nik.length >= NIK_LENGTH) return s;
      return { ...s, nik: s.nik + a.digit, nikFault: null };
    case 'backspace':
      if (s.step !== 'nik') return s;
      return { ...s, nik: s.nik.slice(0, -1), nikFault: null };
    case 'clear':
      if (s.step !== 'nik') return s;
      return { ...s, nik: '', nikFault: null };
    case 'nikChecked':
      if (s.step !== 'nik') return s;
      return a.fault ? { ...s, nikFault: a.fault } : { ...s, nikFault: null, step: 'requirements' };
    case 'requirementsRead':
      if (s.step !== 'requirements') return s;
      return { ...s, step: 'priority' };
    case 'choosePriority':
      if (s.step !== 'priority' || s.submitting) return s;
      return { ...s, priority: a.priority, submitError: null };
    case 'submit':
      if (s.step !== 'priority' || s.submitting) return s;
      return { ...s, submitting: true, submitError: null };
    case 'issued':
      if (!s.submitting) return s;
      return { ...s, submitting: false, step: 'ticket', ticket: a.ticket };
    case 'nikRefused':
      if (!s.submitting) return s;
      return { ...s, submitting: false, step: 'nik', nikFault: a.fault };
    case 'submitFailed':
      if (!s.submitting) return s;
      return { ...s, submitting: false, submitError: a.error };
    case 'back':
      if (s.submitting) return s;
      switch (s.step) {
        case 'nik':
          return { ...initialState };
        case 'requirements':
          return { ...s, step: 'nik' };
        case 'priority':
          return { ...s, step: 'requirements', submitError: null };
        default:
          return s;
      }
    case 'reset':
      return { ...initialState };
  }
}

/** Whether anything is typed or shown that the idle timeout must wipe. */
export function hasSessionData(s: KioskState): boolean {
  return s.step !== 'service' || s.nik.length > 0;
}
