import * as z from 'zod';

export const componentNames = ['dynamodb', 's3', 'stepFunctions', 'scheduler', 'mail'] as const;
export type ComponentName = (typeof componentNames)[number];

export const componentStatusSchema = z.object({
  status: z.enum(['up', 'down']),
  detail: z.string().optional(),
  latencyMs: z.number().optional(),
});

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    components: z.record(z.enum(componentNames), componentStatusSchema),
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof healthSchema>;

/** The public liveness answer: the API and a function answer; nothing else is touched. */
export const livenessSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });
export type Liveness = z.infer<typeof livenessSchema>;
