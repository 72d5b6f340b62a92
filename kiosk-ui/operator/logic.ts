/** Which actions the operator may take on the counter's current ticket, and why not. Pure. */
import type { Ticket } from '../shared/schemas.ts';

export interface ActionState {
  enabled: boolean;
  /** why it is disabled, shown under the button */
  hint?: string;
}

export interface CounterActions {
  callNext: ActionState;
  recall: ActionState;
  noShow: ActionState;
  start: ActionState;
  finish: ActionState;
  transfer: ActionState;
}

/**
 * @param minRecalls recalls the hub wants before a no-show, when it says (QueueState.minRecallsForNoShow)
 * @param refusedAtRecall the recall count at which the hub last answered RECALL_FIRST for this ticket
 */
export function counterActions(current: Ticket | null, minRecalls?: number, refusedAtRecall?: number): CounterActions {
  const off = (hint?: string): ActionState => (hint ? { enabled: false, hint } : { enabled: false });
  const on: ActionState = { enabled: true };
  if (!current || (current.status !== 'called' && current.status !== 'serving')) {
    return { callNext: on, recall: off(), noShow: off(), start: off(), finish: off(), transfer: off() };
  }
  const busy = off(`Selesaikan dulu ${current.label}`);
  if (current.status === 'serving') {
    return { callNext: busy, recall: off('Sedang dilayani'), noShow: off('Sedang dilayani'), start: off(), finish: on, transfer: on };
  }
  let noShow: ActionState = on;
  if (minRecalls !== undefined && current.recallCount < minRecalls) {
    noShow = off(`Bisa setelah ${minRecalls}× panggil ulang (baru ${current.recallCount}×)`);
  } else if (refusedAtRecall !== undefined && current.recallCount <= refusedAtRecall) {
    noShow = off(`Panggil ulang dulu (baru ${current.recallCount}×)`);
  }
  return { callNext: busy, recall: on, noShow, start: on, finish: off('Mulai layani dulu'), transfer: on };
}

/** Waiting tickets grouped by service, the services this counter serves first. */
export function groupWaiting<T extends { serviceCode: string }>(waiting: readonly T[], serviceOrder: readonly string[], mine: readonly string[]): { serviceCode: string; mine: boolean; tickets: T[] }[] {
  const order = [...serviceOrder.filter((s) => mine.includes(s)), ...serviceOrder.filter((s) => !mine.includes(s))];
  for (const t of waiting) if (!order.includes(t.serviceCode)) order.push(t.serviceCode);
  return order.map((code) => ({ serviceCode: code, mine: mine.includes(code), tickets: waiting.filter((t) => t.serviceCode === code) }));
}
