/**
 * How a call changes what the display shows before the hub's next display:state arrives (the two
 * events may come in either order): the counter's tile shows the call and it heads the last calls.
 */
import type { DisplayCall, DisplayState } from './schemas.ts';

export const LAST_CALLS_SHOWN = 10;

const sameCall = (a: DisplayCall, b: DisplayCall) => a.label === b.label && a.counterId === b.counterId && a.at === b.at;

export function applyCall(state: DisplayState, call: DisplayCall): DisplayState {
  const known = state.counters.some((c) => c.id === call.counterId);
  const counters = known
    ? state.counters.map((c) => (c.id === call.counterId ? { ...c, current: call } : c))
    : [...state.counters, { id: call.counterId, name: call.counterName, current: call }];
  const lastCalls = state.lastCalls.some((c) => sameCall(c, call)) ? state.lastCalls : [call, ...state.lastCalls].slice(0, LAST_CALLS_SHOWN);
  return { ...state, counters, lastCalls };
}

export const emptyState: DisplayState = { day: '', counters: [], lastCalls: [], waiting: [] };
