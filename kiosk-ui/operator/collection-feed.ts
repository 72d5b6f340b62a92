/**
 * The live collection sessions on the operator screen: every `collection:state` of the /operator
 * socket, the officer list read again on each (re)connect (events missed while away), the live
 * fingerprint guidance per session, and the day's stock lists read again when a result changes them.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { CollectionListSchema, CollectionViewSchema, StockAnswerSchema, type CollectionView, type StockAnswer } from '../shared/collection-schemas.ts';
import type { useSession } from '../shared/session.ts';
import { actionFaultText } from '../shared/staff.ts';
import { changesStock, mergeFetched, removeSession, upsertSession } from './collection-logic.ts';

type Sess = ReturnType<typeof useSession>;

export interface CollectionFeed {
  sessions: CollectionView[];
  /** live guidance event per session id, while a finger is being captured */
  guidance: Record<string, string>;
  stock: StockAnswer | null;
  stockError: string | null;
  reloadStock: () => Promise<void>;
  /** an action's answer (newer than what the screen shows) */
  apply: (v: CollectionView) => void;
  forget: (id: string) => void;
  /** registers the collection events on the screen's /operator socket */
  attach: (socket: Socket) => void;
}

export function useCollectionFeed(sess: Sess): CollectionFeed {
  const [sessions, setSessions] = useState<CollectionView[]>([]);
  const [guidance, setGuidance] = useState<Record<string, string>>({});
  const [stock, setStock] = useState<StockAnswer | null>(null);
  const [stockError, setStockError] = useState<string | null>(null);
  const steps = useRef(new Map<string, CollectionView['step']>());
  // ids an event touched while the officer list was being fetched: the event is newer
  const fetching = useRef<{ touched: Set<string>; ended: Set<string> } | null>(null);
  const callRef = useRef(sess.call);
  callRef.current = sess.call;

  const reloadStock = useCallback(async () => {
    const r = await callRef.current({ path: '/api/stock', schema: StockAnswerSchema });
    if (r.ok) { setStock(r.value); setStockError(null); } else if (!(r.fault.kind === 'http' && r.fault.status === 401)) setStockError(actionFaultText(r.fault));
  }, []);

  const stockTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const reloadStockSoon = useCallback(() => {
    clearTimeout(stockTimer.current);
    stockTimer.current = setTimeout(() => void reloadStock(), 200);
  }, [reloadStock]);
  useEffect(() => () => clearTimeout(stockTimer.current), []);

  const apply = useCallback((v: CollectionView) => {
    fetching.current?.touched.add(v.id);
    if (changesStock(steps.current.get(v.id), v.step)) reloadStockSoon();
    steps.current.set(v.id, v.step);
    if (!v.capturing) setGuidance((g) => (v.id in g ? omit(g, v.id) : g));
    setSessions((list) => upsertSession(list, v));
  }, [reloadStockSoon]);

  const forget = useCallback((id: string) => {
    fetching.current?.ended.add(id);
    steps.current.delete(id);
    setGuidance((g) => (id in g ? omit(g, id) : g));
    setSessions((list) => removeSession(list, id));
  }, []);

  const refetch = useCallback(async () => {
    const mark = { touched: new Set<string>(), ended: new Set<string>() };
    fetching.current = mark;
    const r = await callRef.current({ path: '/api/collections', schema: CollectionListSchema });
    if (fetching.current === mark) fetching.current = null;
    if (!r.ok) return;
    for (const v of r.value.sessions) if (!mark.touched.has(v.id)) steps.current.set(v.id, v.step);
    setSessions((cur) => mergeFetched(r.value.sessions, cur, mark.touched, mark.ended));
    void reloadStock();
  }, [reloadStock]);

  const attach = useCallback((socket: Socket) => {
    socket.on('connect', () => void refetch());
    socket.on('collection:state', (raw: unknown) => {
      const p = CollectionViewSchema.safeParse(raw);
      if (p.success) apply(p.data);
      else console.warn('collection:state refused', p.error.issues);
    });
    socket.on('collection:guidance', (raw: unknown) => {
      const g = raw as { collectionId?: unknown; event?: unknown } | null;
      if (typeof g?.collectionId === 'string' && typeof g.event === 'string') {
        const id = g.collectionId;
        const ev = g.event;
        setGuidance((cur) => ({ ...cur, [id]: ev }));
      }
    });
    socket.on('collection:ended', (raw: unknown) => {
      const id = (raw as { collectionId?: unknown } | null)?.collectionId;
      if (typeof id === 'string') forget(id);
    });
  }, [apply, forget, refetch]);

  return { sessions, guidance, stock, stockError, reloadStock, apply, forget, attach };
}

function omit<T>(o: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _, ...rest } = o;
  return rest;
}
