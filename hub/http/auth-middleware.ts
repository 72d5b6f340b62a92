/** Hono middleware: resolve the caller from the bearer token and check its role for the route. */
import type { Context, MiddlewareHandler } from 'hono';
import type { AuthService } from '../auth/auth-service.ts';
import { roleAllows, type Principal, type Role } from '../auth/roles.ts';
import { HubError } from './errors.ts';

export type HubEnv = { Variables: { principal: Principal } };

export function bearer(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1];
}

export function requireRole(auth: AuthService, roles: readonly Role[] | 'public'): MiddlewareHandler<HubEnv> {
  return async (c, next) => {
    if (roles === 'public') return next();
    const principal = await auth.authenticate(bearer(c.req.header('authorization')));
    if (!roleAllows(principal.role, roles)) {
      throw new HubError(403, 'FORBIDDEN', `this needs the role ${roles.join(' or ')}; you are ${principal.role}`);
    }
    c.set('principal', principal);
    return next();
  };
}

export function principalOf(c: Context<HubEnv>): Principal {
  return c.get('principal');
}
