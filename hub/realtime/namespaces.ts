/**
 * Socket.IO namespaces, one per kind of screen, each checking the caller's role on connect.
 * The display namespace gets labels and counters only: no personal data ever goes there.
 */
import type { Server, Socket } from 'socket.io';
import type { HubContext } from '../context.ts';
import { roleAllows, type Principal, type Role } from '../auth/roles.ts';
import { HubError } from '../http/errors.ts';

export const NAMESPACES: Record<string, readonly Role[]> = {
  '/display': ['display'],
  '/operator': ['operator', 'supervisor'],
  '/kiosk': ['kiosk'],
  '/supervisor': ['supervisor'],
};

function authorise(hub: HubContext, roles: readonly Role[]) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    try {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const p = await hub.auth.authenticate(typeof token === 'string' ? token : undefined);
      if (!roleAllows(p.role, roles)) return next(new Error('FORBIDDEN'));
      (socket.data as { principal: Principal }).principal = p;
      next();
    } catch (e) {
      next(new Error(e instanceof HubError && e.code === 'SESSION_EXPIRED' ? 'SESSION_EXPIRED' : 'UNAUTHORIZED'));
    }
  };
}

export function attachNamespaces(io: Server, hub: HubContext): () => void {
  for (const [name, roles] of Object.entries(NAMESPACES)) io.of(name).use(authorise(hub, roles));
  // Any other namespace (including the default '/') is refused.
  io.use((_socket, next) => next(new Error('FORBIDDEN')));

  const display = io.of('/display');
  const operator = io.of('/operator');
  const kiosk = io.of('/kiosk');
  const supervisor = io.of('/supervisor');
  const kioskRoom = (deviceId: string) => `kiosk:${deviceId}`;
  hub.realtime.emit = (ns, event, data) => { if (NAMESPACES[ns]) io.of(ns).emit(event, data); };
  hub.realtime.emitToKiosk = (deviceId, event, data) => { kiosk.to(kioskRoom(deviceId)).emit(event, data); };

  const sendDisplay = async (target: { emit: (ev: string, data: unknown) => unknown }) =>
    target.emit('display:state', { ...(await hub.queue.displayState()), officeName: hub.config.officeName });
  const sendQueue = async (target: { emit: (ev: string, data: unknown) => unknown }) => target.emit('queue:state', await hub.queue.state());
  const devicesPayload = () => ({ devices: hub.devices.states() });

  display.on('connection', (s) => { void sendDisplay(s).catch((e) => hub.log.warn('display state failed', { error: e })); });
  operator.on('connection', (s) => {
    void sendQueue(s).catch((e) => hub.log.warn('queue state failed', { error: e }));
    s.emit('devices:state', devicesPayload());
  });
  kiosk.on('connection', (s) => {
    // a kiosk gets its own collection session only: personal data never go to another kiosk
    const p = (s.data as { principal: Principal }).principal;
    if (p.kind === 'device') void s.join(kioskRoom(p.deviceId));
    s.emit('devices:state', devicesPayload());
  });
  supervisor.on('connection', (s) => { s.emit('devices:state', devicesPayload()); });

  // Coalesce bursts of changes into one broadcast per tick per namespace.
  let pending = false;
  const onChanged = ({ day }: { day: string }) => {
    if (pending) return;
    pending = true;
    setImmediate(() => {
      pending = false;
      // Socket.IO encodes a broadcast even when nobody listens, and the operators' state carries
      // every waiting ticket: build it only for a namespace that has sockets
      void Promise.all([
        display.sockets.size > 0 ? sendDisplay(display) : undefined,
        operator.sockets.size > 0 ? sendQueue(operator) : undefined,
      ]).catch((e) => hub.log.warn('broadcast failed', { error: e }));
      supervisor.emit('stats:changed', { day });
    });
  };
  const onCall = (call: unknown) => { display.emit('display:call', call); };
  hub.queue.on('changed', onChanged);
  hub.queue.on('call', onCall);
  const offDevices = hub.devices.onChange(() => {
    const payload = devicesPayload();
    operator.emit('devices:state', payload);
    kiosk.emit('devices:state', payload);
    supervisor.emit('devices:state', payload);
  });

  // Sessions expire while a socket stays open: check now and then, and drop the expired ones.
  const sweep = setInterval(() => {
    for (const ns of [operator, supervisor]) {
      for (const s of ns.sockets.values()) {
        const token = (s.handshake.auth as { token?: string }).token;
        hub.auth.authenticate(token, { touch: false }).catch(() => { s.emit('session:expired', {}); s.disconnect(true); });
      }
    }
  }, 60_000);
  sweep.unref();

  const onCard = (e: { present: boolean }) => {
    kiosk.emit('card:present', { present: e.present });
    operator.emit('card:present', { present: e.present });
  };
  hub.devices.events.on('card', onCard);
  // pen points go live to the screens that show the signature, scaled to 0..1 of the pad
  const pad = hub.devices.signaturePad;
  const onPoint = (p: { x: number; y: number; pressure: number; tip: boolean; t: number }) => {
    const caps = pad?.capabilities;
    if (!caps) return;
    const point = { x: p.x / caps.maxX, y: p.y / caps.maxY, pressure: p.pressure / caps.maxPressure, tip: p.tip, t: p.t };
    kiosk.emit('signature:point', point);
    operator.emit('signature:point', point);
  };
  pad?.on('point', onPoint);

  // collection sessions: the officer follows every one, each kiosk its own
  const onCollection = (v: { kioskId: string | null; step: string }) => {
    operator.emit('collection:state', v);
    // a collection that ends changes the supervisor's day figures
    if (['receipt', 'failed', 'cancelled', 'abandoned'].includes(v.step)) supervisor.emit('stats:changed', { day: hub.queue.today() });
    if (v.kioskId) hub.realtime.emitToKiosk(v.kioskId, 'collection:state', v);
  };
  const onGuidance = (g: { kioskId: string | null }) => {
    operator.emit('collection:guidance', g);
    if (g.kioskId) hub.realtime.emitToKiosk(g.kioskId, 'collection:guidance', g);
  };
  const onEnded = (e: { collectionId: string }) => { operator.emit('collection:ended', e); };
  hub.collections.on('state', onCollection);
  hub.collections.on('guidance', onGuidance);
  hub.collections.on('ended', onEnded);

  return () => {
    hub.collections.off('state', onCollection);
    hub.collections.off('guidance', onGuidance);
    hub.collections.off('ended', onEnded);
    hub.realtime.emit = () => undefined;
    hub.realtime.emitToKiosk = () => undefined;
    hub.devices.events.off('card', onCard);
    pad?.off('point', onPoint);
    clearInterval(sweep);
    hub.queue.off('changed', onChanged);
    hub.queue.off('call', onCall);
    offDevices();
  };
}
