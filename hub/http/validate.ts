/** Request bodies validated by zod schemas; a failure names the field and the reason. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { HubError } from './errors.ts';

export async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new HubError(400, 'BAD_JSON', 'the request body must be JSON');
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const field = first.path.join('.');
    throw new HubError(400, 'INVALID_INPUT', `${field || 'body'}: ${first.message}`, field || undefined);
  }
  return r.data;
}
