/** What the hub sends the display (docs/API.md): labels and counters only, never personal data. */
import * as z from 'zod/mini';

export const DisplayCallSchema = z.object({
  label: z.string(),
  counterId: z.string(),
  counterName: z.string(),
  at: z.string(),
  recall: z.boolean(),
});
export type DisplayCall = z.infer<typeof DisplayCallSchema>;

export const DisplayStateSchema = z.object({
  day: z.string(),
  counters: z.array(z.object({ id: z.string(), name: z.string(), current: z.nullable(DisplayCallSchema) })),
  lastCalls: z.array(DisplayCallSchema),
  waiting: z.array(z.object({ serviceCode: z.string(), prefix: z.string(), nameId: z.string(), count: z.number() })),
});
export type DisplayState = z.infer<typeof DisplayStateSchema>;
