/** Every HTTP route and Socket.IO namespace refuses every role it is not for, and callers with no credentials. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROUTES, NAMESPACES } from '../../hub/index.ts';
import { roleAllows, ROLES, type Role } from '../../hub/auth/roles.ts';
import { connectResult, startTestHub, type TestHub } from '../support/hub.ts';

let hub: TestHub;
const tokens = {} as Record<Role, string>;

test.before(async () => {
  hub = await startTestHub({ printer: { port: 'none', baudRate: 9600 } });
  tokens.kiosk = hub.demo!.kioskToken;
  tokens.display = hub.demo!.displayToken;
  tokens.operator = await hub.login('operator');
  tokens.supervisor = await hub.login('supervisor');
});
test.after(async () => { await hub.destroy(); });

const concrete = (path: string) => path.replace(':counterId', 'loket-1').replace(':id', '00000000-0000-0000-0000-000000000000');

test('every non-public route refuses a caller without a token (401)', async () => {
  for (const r of ROUTES.filter((x) => x.roles !== 'public')) {
    const res = await hub.api(r.method, concrete(r.path), undefined, r.method === 'POST' ? {} : undefined);
    assert.is(res.status, 401, `${r.method} ${r.path}`);
    assert.is(res.body.error.code, 'UNAUTHORIZED');
  }
});

test('every non-public route refuses a forged token (401)', async () => {
  for (const r of ROUTES.filter((x) => x.roles !== 'public')) {
    const res = await hub.api(r.method, concrete(r.path), 'not-a-real-token', r.method === 'POST' ? {} : undefined);
    assert.is(res.status, 401, `${r.method} ${r.path}`);
  }
});

test('every route refuses each role it is not for (403), and lets its own roles past the role check', async () => {
  let refusals = 0;
  for (const r of ROUTES.filter((x) => x.roles !== 'public')) {
    for (const role of ROLES) {
      // signing out would end the shared session: use a fresh one there
      const token = r.path === '/api/auth/logout' && (role === 'operator' || role === 'supervisor') ? await hub.login(role) : tokens[role];
      const res = await hub.api(r.method, concrete(r.path), token, r.method === 'POST' ? {} : undefined);
      if (roleAllows(role, r.roles as Role[])) {
        assert.is.not(res.status, 403, `${role} may call ${r.method} ${r.path} (got ${JSON.stringify(res.body)})`);
        assert.is.not(res.status, 401, `${role} may call ${r.method} ${r.path}`);
      } else {
        assert.is(res.status, 403, `${role} must not call ${r.method} ${r.path}`);
        assert.is(res.body.error.code, 'FORBIDDEN');
        refusals++;
      }
    }
  }
  assert.ok(refusals >= 30, `walked ${refusals} refusals`);
});

test('every namespace refuses each wrong role, no token, and the default namespace refuses all', async () => {
  for (const [ns, roles] of Object.entries(NAMESPACES)) {
    assert.is(await connectResult(hub.socket(ns)), 'UNAUTHORIZED', `${ns} without token`);
    for (const role of ROLES) {
      const got = await connectResult(hub.socket(ns, tokens[role]));
      assert.is(got, roleAllows(role, roles) ? 'connected' : 'FORBIDDEN', `${role} on ${ns}`);
    }
  }
  assert.is(await connectResult(hub.socket('/', tokens.supervisor)), 'FORBIDDEN');
});

test('signing out ends the session for later requests', async () => {
  const t = await hub.login('operator');
  assert.is((await hub.api('GET', '/api/queue', t)).status, 200);
  assert.is((await hub.api('POST', '/api/auth/logout', t, {})).status, 200);
  assert.is((await hub.api('GET', '/api/queue', t)).status, 401);
});

test.run();
